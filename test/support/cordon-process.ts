import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { locateTemporalCli } from '../../src/temporal/temporal-cli';
import { projectRoot } from '../../src/config/paths';

// Found by walking up to package.json, so this works from test/ (Jest) and dist/test/ (benchmarks).
const ROOT = projectRoot();
const MAIN = path.join(ROOT, 'dist/src/main.js');

export interface CordonProcess {
  url: string;
  graphqlUrl: string;
  /** The Temporal frontend the process uses (its embedded dev server, or the one configured). */
  temporalAddress: () => string | null;
  dataDir: string;
  /** The server process's id (to read its /proc entry). */
  pid: number;
  output: () => string;
  /** False once the process has exited, whatever the reason. */
  running: () => boolean;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The Temporal CLI, obtained exactly as `npm start` does (PATH, TEMPORAL_CLI_PATH, or pip into .cordon/tools). */
export async function temporalCli(): Promise<string> {
  return locateTemporalCli({
    cliPath: process.env.TEMPORAL_CLI_PATH || undefined,
    toolsDir: path.join(ROOT, '.cordon', 'tools'),
    log: () => undefined,
  });
}

/**
 * A database for one test file: a fresh database on the real server when DATABASE_URL is set
 * (CI), otherwise nothing, and Cordon runs its embedded PGlite.
 */
export async function testDatabase(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { url: undefined, drop: async () => undefined };
  const name = `cordon_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: base });
      await c.connect();
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (err) {
            // FORCE may not end an autovacuum worker analyzing the database (it runs as no role
            // this login may signal: 42501). It is done within moments; wait and try again.
            if ((err as { code?: string }).code !== '42501' || attempt === 50) throw err;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}

/** Starts the built server (`node dist/src/main.js`) as `npm start` would, on free ports. */
export async function startCordon(opts: {
  env: Record<string, string | undefined>;
  dataDir?: string;
  mode?: 'embedded' | 'api' | 'worker';
  readyTimeoutMs?: number;
  /** Another copy of the built project to run (see buildSnapshot()); this checkout by default. */
  root?: string;
}): Promise<CordonProcess> {
  const main = opts.root ? path.join(opts.root, 'dist/src/main.js') : MAIN;
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run npm run build first (npm test does)`);
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-e2e-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // As npm start runs it: production mode skips graphql's development-only checks.
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CORDON_DATA_DIR: dataDir,
    TEMPORAL_DEV_PORT: '0',
    TEMPORAL_DEV_UI_PORT: '0',
    TEMPORAL_CLI_PATH: await temporalCli(),
    // The vendor fakes listen on 127.0.0.1, which the outbound policy refuses by default.
    CORDON_ALLOW_PRIVATE_CONNECTIONS: '1',
    ...opts.env,
  })) {
    if (v !== undefined) env[k] = v;
  }
  const child = spawn(process.execPath, [main, ...(opts.mode ? [opts.mode] : [])], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(
      () => reject(new Error(`Cordon did not start within ${opts.readyTimeoutMs ?? 120_000} ms:\n${out}`)),
      opts.readyTimeoutMs ?? 120_000,
    );
    const onData = () => {
      const m =
        /GraphQL API: (http:\/\/\S+)\/graphql/.exec(out) ??
        (/worker started/.test(out) ? ['', 'worker'] : null);
      if (m) {
        clearTimeout(deadline);
        child.stdout.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`Cordon exited with ${code} before it was ready:\n${out}`));
    });
  });
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    temporalAddress: () => /\[cordon\] Temporal: (\S+)/.exec(out)?.[1] ?? null,
    dataDir,
    pid: child.pid!,
    output: () => out,
    running: () => child.exitCode === null && child.signalCode === null,
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
  };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(force);
      resolve(code);
    });
    child.kill(signal);
  });
}
