import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { inspect } from 'node:util';
import { Connection } from '@temporalio/client';

/**
 * Runs `temporal server start-dev` as a child process for embedded mode and tests: picks ports,
 * waits until the frontend answers for the namespace, and makes sure the search attributes exist.
 */
export type SearchAttributeKind = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface TemporalDevServerOptions {
  cliPath: string;
  /** SQLite file for persistent state; null keeps everything in memory. */
  dbFile: string | null;
  /** gRPC frontend port; 0 picks a free one. */
  port: number;
  /** Web UI port; 0 picks a free one, null runs headless. */
  uiPort: number | null;
  namespace: string;
  searchAttributes?: Record<string, SearchAttributeKind>;
  log: (msg: string) => void;
  readyTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the gRPC frontend, e.g. 127.0.0.1:7233. */
  address: string;
  uiUrl: string | null;
  pid: number;
  /** SIGTERM, then SIGKILL after 10 s. Safe to call more than once. */
  stop(): Promise<void>;
}

export class TemporalDevServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalDevServerError';
  }
}

const HOST = '127.0.0.1';
const DEFAULT_READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const CONNECT_ATTEMPT_MS = 1_000;
const LOG_TAIL_LINES = 40;
const PORT_CONFLICT_RETRIES = 3;

// temporal.api.enums.v1.IndexedValueType: wire values of the public Temporal API, stable by contract.
const INDEXED_VALUE_TYPE: Record<SearchAttributeKind, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

type AddSearchAttributesRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

interface Launched {
  child: ChildProcess;
  exited: Promise<ExitInfo>;
  exitInfo: () => ExitInfo | null;
  logTail: () => string;
  /** Whether it said its port was taken, at any point: the panic that follows outruns the tail. */
  portTaken: () => boolean;
  silence: () => void;
  address: string;
  uiUrl: string | null;
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  validate(opts);
  const dbFile = opts.dbFile === null ? null : path.resolve(opts.dbFile);
  if (dbFile) await fs.mkdir(path.dirname(dbFile), { recursive: true });
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const picksPorts = opts.port === 0 || opts.uiPort === 0;

  let relaunched = false;
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    const server = await launch(opts, dbFile);
    try {
      const added = await waitUntilReady(server, opts, Date.now() + readyTimeoutMs);
      if (added && !relaunched) {
        // The server caches search attributes (see launch): once, so that it loads them.
        opts.log('Restarting the Temporal dev server so that it loads the new search attributes');
        relaunched = true;
        await stopChild(server);
        continue;
      }
      opts.log(`Temporal dev server ready at ${server.address} in ${Date.now() - started} ms`);
    } catch (error) {
      await stopChild(server);
      // A port we picked can be taken by someone else before the server binds it; pick again.
      const portRace = picksPorts && server.exitInfo() !== null && server.portTaken();
      if (portRace && attempt < PORT_CONFLICT_RETRIES) {
        opts.log('Temporal dev server lost a race for its port; retrying with new ports');
        continue;
      }
      throw error;
    }
    let stopping: Promise<void> | undefined;
    return {
      address: server.address,
      uiUrl: server.uiUrl,
      pid: server.child.pid!,
      stop: () => (stopping ??= stopChild(server)),
    };
  }
}

function validate(opts: TemporalDevServerOptions): void {
  const problems: string[] = [];
  if (!opts.namespace.trim()) problems.push('namespace must not be empty');
  for (const [name, kind] of Object.entries(opts.searchAttributes ?? {})) {
    // The CLI passes any key through without complaint; reject what Temporal cannot index up front.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      problems.push(`search attribute "${name}" is not an identifier`);
    if (!(kind in INDEXED_VALUE_TYPE)) problems.push(`search attribute "${name}" has unknown type "${kind}"`);
  }
  for (const [label, port] of [
    ['port', opts.port],
    ['uiPort', opts.uiPort ?? 0],
  ] as const) {
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      problems.push(`${label} must be 0-65535, got ${port}`);
  }
  if (problems.length) throw new TemporalDevServerError(`Invalid dev server options: ${problems.join('; ')}`);
}

async function launch(opts: TemporalDevServerOptions, dbFile: string | null): Promise<Launched> {
  // A fixed port held by another server would answer our readiness probe in its stead.
  if (opts.port !== 0) await assertPortFree(opts.port, 'port');
  if (opts.uiPort) await assertPortFree(opts.uiPort, 'UI port');
  const port = opts.port === 0 ? await freePort() : opts.port;
  let uiPort: number | null = null;
  if (opts.uiPort !== null) {
    uiPort = opts.uiPort === 0 ? await freePort([port]) : opts.uiPort;
  }
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port)];
  args.push(...(uiPort === null ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (dbFile) {
    // Write-ahead logging: each commit appends to the log instead of rewriting pages through a
    // rollback journal. Still fsynced at every commit (synchronous=FULL), so no durability is
    // traded; measured here at about 3x the workflows/s of the default journal.
    args.push('--db-filename', dbFile, '--sqlite-pragma', 'journal_mode=wal');
  }
  args.push('--namespace', opts.namespace, '--log-level', 'warn');
  // Eager starts and activities: a local worker gets the task in the answer to the call that
  // created it, not through a task queue poll.
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  args.push('--dynamic-config-value', 'system.enableEagerWorkflowStart=true');
  // The dev server keeps history, task queues and visibility in one SQLite database behind one
  // connection, and Go's pool hands a freed connection to a random waiter. By default up to 512
  // goroutines write visibility records (two per run, each updating ~40 indexes), so a batch of
  // them could queue a running workflow's next write behind dozens: closed-loop p99 ~1.8x the
  // p50 (`npm run bench -- peer`), ~1.5x with one writer. The connection serialised those
  // writes anyway, so one writer keeps up as before (2,000 starts in 10 s: all listed 0.2 s
  // after the last); Cordon never reads Temporal's visibility, its runs are in PostgreSQL.
  args.push('--dynamic-config-value', 'history.visibilityProcessorSchedulerWorkerCount=1');
  // The dev server reads the search attributes from the database on every use unless told
  // otherwise: 12 cluster-metadata and 5 namespace reads per run (its own metrics), all through
  // that one connection, ~11% of its CPU per run. Attributes Cordon adds to an existing database
  // (ensureSearchAttributes) are then unknown to the running server for up to a minute, so it
  // is restarted once after adding them; one added by hand through the operator API waits for
  // the cache as on any Temporal cluster.
  args.push('--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=false');
  for (const [name, kind] of Object.entries(opts.searchAttributes ?? {})) {
    args.push('--search-attribute', `${name}=${kind}`);
  }

  opts.log(`Starting Temporal dev server: ${opts.cliPath} ${args.join(' ')}`);
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });

  const tail: string[] = [];
  let forwarding = true;
  let portTaken = false;
  const onLine = (line: string): void => {
    if (/address already in use/i.test(line)) portTaken = true;
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
    if (forwarding) opts.log(`[temporal] ${line}`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  }

  // Our process dying must not leave an orphaned server holding the port and the SQLite file.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let exitInfo: ExitInfo | null = null;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      exitInfo ??= { code: null, signal: null, error };
      process.removeListener('exit', killOnExit);
      resolve(exitInfo);
    });
    // 'close' rather than 'exit': it comes after stdout/stderr are drained, so the tail is complete.
    child.once('close', (code, signal) => {
      exitInfo ??= { code, signal };
      if (forwarding) opts.log(`Temporal dev server exited (code ${code}, signal ${signal})`);
      process.removeListener('exit', killOnExit);
      resolve(exitInfo);
    });
  });

  return {
    child,
    exited,
    exitInfo: () => exitInfo,
    logTail: () => tail.join('\n'),
    portTaken: () => portTaken,
    // Shutdown makes the server log a burst of "context canceled" errors that mean nothing.
    silence: () => {
      forwarding = false;
    },
    address: `${HOST}:${port}`,
    uiUrl: uiPort === null ? null : `http://${HOST}:${uiPort}`,
  };
}

/** Resolves once the server answers with the search attributes in place: true if it added some. */
async function waitUntilReady(
  server: Launched,
  opts: TemporalDevServerOptions,
  deadline: number,
): Promise<boolean> {
  const connection = await connectWhenReady(server, opts, deadline);
  try {
    return await ensureSearchAttributes(connection, opts, deadline);
  } finally {
    await connection.close();
  }
}

/** Polls until the frontend answers for the namespace; fails fast if the process exits. */
async function connectWhenReady(
  server: Launched,
  opts: TemporalDevServerOptions,
  deadline: number,
): Promise<Connection> {
  let connection: Connection | undefined;
  let lastError: unknown;
  let backoffMs = 25;
  try {
    for (;;) {
      const exit = server.exitInfo();
      if (exit) throw earlyExitError(exit, server.logTail());
      if (Date.now() > deadline) {
        throw new TemporalDevServerError(
          `Temporal dev server at ${server.address} was not ready within ${opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS} ms ` +
            `(last error: ${errorText(lastError)}). Last output:\n${server.logTail()}`,
        );
      }
      try {
        // gRPC backs off a whole second after a refused connection, so wait for the port first.
        if (!connection && !(await portAccepts(server.address))) throw new Error('port not accepting yet');
        if (!connection) {
          // Raced against the exit so a server that dies at once is reported at once.
          const pending = Connection.connect({ address: server.address, connectTimeout: CONNECT_ATTEMPT_MS });
          const outcome = await Promise.race([pending, server.exited.then(() => null)]);
          if (outcome === null) {
            void pending.then(
              (late) => late.close(),
              () => undefined,
            );
            continue;
          }
          connection = outcome;
        }
        const conn = connection;
        await conn.withDeadline(Date.now() + CONNECT_ATTEMPT_MS, () =>
          conn.workflowService.describeNamespace({ namespace: opts.namespace }),
        );
        return conn;
      } catch (error) {
        lastError = error;
      }
      await Promise.race([delay(backoffMs), server.exited]);
      backoffMs = Math.min(backoffMs * 2, 500);
    }
  } catch (error) {
    await connection?.close();
    throw error;
  }
}

/**
 * `--search-attribute` only takes effect when the CLI creates a namespace: on an existing SQLite
 * file, attributes added since are silently ignored, so register what is missing ourselves.
 * True if it had to.
 */
async function ensureSearchAttributes(
  connection: Connection,
  opts: TemporalDevServerOptions,
  deadline: number,
): Promise<boolean> {
  const wanted = Object.entries(opts.searchAttributes ?? {});
  if (!wanted.length) return false;
  const { namespace } = opts;
  let added = false;
  let backoffMs = 25;
  for (;;) {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const existing = customAttributes ?? {};
    const conflicts = wanted.filter(
      ([name, kind]) => existing[name] !== undefined && Number(existing[name]) !== INDEXED_VALUE_TYPE[kind],
    );
    if (conflicts.length) {
      const list = conflicts.map(([name, kind]) => `${name} (wanted ${kind})`).join(', ');
      throw new TemporalDevServerError(
        `Search attributes already exist in namespace "${namespace}" with another type: ${list}. ` +
          `A type cannot be changed; delete the dev server's database file${opts.dbFile ? ` (${opts.dbFile})` : ''} to start over.`,
      );
    }
    const missing = wanted.filter(([name]) => existing[name] === undefined);
    if (!missing.length) return added;
    if (Date.now() > deadline) {
      throw new TemporalDevServerError(
        `Search attributes ${missing.map(([name]) => name).join(', ')} did not appear in namespace "${namespace}"`,
      );
    }
    if (!added) {
      opts.log(
        `Registering search attributes in "${namespace}": ${missing.map(([n, k]) => `${n}=${k}`).join(', ')}`,
      );
      const request: AddSearchAttributesRequest = {
        namespace,
        searchAttributes: Object.fromEntries(missing.map(([name, kind]) => [name, INDEXED_VALUE_TYPE[kind]])),
      };
      await connection.operatorService.addSearchAttributes(request);
      added = true;
      continue;
    }
    await delay(backoffMs);
    backoffMs = Math.min(backoffMs * 2, 500);
  }
}

async function stopChild(server: Launched): Promise<void> {
  server.silence();
  if (server.exitInfo()) return;
  server.child.kill('SIGTERM');
  if (await settlesWithin(server.exited, STOP_GRACE_MS)) return;
  server.child.kill('SIGKILL');
  await server.exited;
}

function earlyExitError(exit: ExitInfo, logTail: string): TemporalDevServerError {
  const how = exit.error
    ? `could not be started (${exit.error.message})`
    : `exited early with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`;
  return new TemporalDevServerError(`Temporal dev server ${how}. Last output:\n${logTail || '(none)'}`);
}

async function assertPortFree(port: number, label: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
  if (!free) {
    throw new TemporalDevServerError(
      `Temporal dev server ${label} ${HOST}:${port} is already in use (another Temporal server?). ` +
        'Stop it, choose another port, or use 0 to pick a free one.',
    );
  }
}

/** Asks the OS for a free port on HOST; `avoid` guards against handing out the same one twice. */
async function freePort(avoid: number[] = []): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = net.createServer();
      probe.unref();
      probe.once('error', reject);
      probe.listen(0, HOST, () => {
        const { port: picked } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(picked));
      });
    });
    if (!avoid.includes(port)) return port;
  }
}

function portAccepts(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.setTimeout(CONNECT_ATTEMPT_MS);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorText(error: unknown): string {
  if (error === undefined) return 'none';
  return error instanceof Error ? error.message : inspect(error);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
