import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type SearchAttributeKind, startTemporalDevServer, type TemporalDevServer } from './dev-server';
import { locateTemporalCli } from './temporal-cli';

// A real Temporal CLI: found on PATH or installed once under the OS temp dir and reused across runs.
const TOOLS_DIR = path.join(os.tmpdir(), 'cordon-test-tools');
const KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
const CORDON_ATTRIBUTES: Record<string, SearchAttributeKind> = {
  TenantId: 'Keyword',
  CaseId: 'Keyword',
  PlaybookId: 'Keyword',
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withConnection<T>(address: string, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

/** How many runs a visibility query finds, once the records written asynchronously show them. */
async function listedBy(client: Client, query: string): Promise<number> {
  for (const until = Date.now() + 10_000; ;) {
    const { count } = await client.workflow.count(query);
    if (count > 0 || Date.now() > until) return count;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('startTemporalDevServer', () => {
  let cliPath: string;
  let tmp: string;
  const servers: TemporalDevServer[] = [];
  const logs: string[] = [];
  const log = (msg: string): void => {
    logs.push(msg);
  };

  beforeAll(async () => {
    cliPath = await locateTemporalCli({ toolsDir: TOOLS_DIR, log, pathEnv: process.env.PATH });
  }, 360_000);

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cordon-devserver-'));
    logs.length = 0;
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    await fs.rm(tmp, { recursive: true, force: true });
  });

  async function start(
    overrides: Partial<Parameters<typeof startTemporalDevServer>[0]> = {},
  ): Promise<TemporalDevServer> {
    const server = await startTemporalDevServer({
      cliPath,
      dbFile: null,
      port: 0,
      uiPort: null,
      namespace: 'cordon-test',
      searchAttributes: CORDON_ATTRIBUTES,
      log,
      ...overrides,
    });
    servers.push(server);
    return server;
  }

  it('starts in memory on a free port with the namespace and search attributes, and stops', async () => {
    const server = await start();

    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.address).not.toBe('127.0.0.1:7233');
    expect(server.uiUrl).toBeNull();
    await withConnection(server.address, async (connection) => {
      const { namespaceInfo } = await connection.workflowService.describeNamespace({
        namespace: 'cordon-test',
      });
      expect(namespaceInfo?.name).toBe('cordon-test');
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: 'cordon-test',
      });
      expect(customAttributes).toMatchObject({ TenantId: KEYWORD, CaseId: KEYWORD, PlaybookId: KEYWORD });
      const client = new Client({ connection, namespace: 'cordon-test' });
      await client.workflow.start('persistenceProbe', {
        taskQueue: 'nobody-polls',
        workflowId: 'probe-tagged',
        searchAttributes: { TenantId: ['t-1'], CaseId: ['c-1'], PlaybookId: ['p-1'] },
      });
      await expect(listedBy(client, `TenantId = 't-1' AND CaseId = 'c-1'`)).resolves.toBe(1);
    });

    await server.stop();
    expect(isAlive(server.pid)).toBe(false);
    await expect(server.stop()).resolves.toBeUndefined();
    expect(logs.some((line) => line.startsWith('[temporal] '))).toBe(true);
  });

  it('restarts on the same database file, keeping runs and adding new search attributes', async () => {
    const dbFile = path.join(tmp, 'nested', 'temporal.db');
    const first = await start({ dbFile, searchAttributes: { TenantId: 'Keyword' } });
    await withConnection(first.address, async (connection) => {
      const client = new Client({ connection, namespace: 'cordon-test' });
      // No worker polls this queue: the run just stays open, which is all persistence needs.
      await client.workflow.start('persistenceProbe', { taskQueue: 'nobody-polls', workflowId: 'probe' });
    });
    await first.stop();

    const second = await start({ dbFile, uiPort: 0 });
    expect(logs).toContain('Restarting the Temporal dev server so that it loads the new search attributes');

    expect(second.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await withConnection(second.address, async (connection) => {
      const client = new Client({ connection, namespace: 'cordon-test' });
      const description = await client.workflow.getHandle('probe').describe();
      expect(description.status.name).toBe('RUNNING');
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: 'cordon-test',
      });
      expect(customAttributes).toMatchObject({ TenantId: KEYWORD, CaseId: KEYWORD, PlaybookId: KEYWORD });
      // The server caches search attributes (a minute): the ones added by this start must be
      // usable at once, by a start that sets them and by a query that filters on them.
      await client.workflow.start('persistenceProbe', {
        taskQueue: 'nobody-polls',
        workflowId: 'probe-tagged',
        searchAttributes: { TenantId: ['t-1'], CaseId: ['c-1'], PlaybookId: ['p-1'] },
      });
      await expect(listedBy(client, `CaseId = 'c-1' AND PlaybookId = 'p-1'`)).resolves.toBe(1);
    });
    await second.stop();
  });

  it('refuses a search attribute whose type changed since the database was created', async () => {
    const dbFile = path.join(tmp, 'temporal.db');
    await (await start({ dbFile })).stop();

    await expect(
      start({ dbFile, searchAttributes: { ...CORDON_ATTRIBUTES, CaseId: 'Text' } }),
    ).rejects.toThrow(/CaseId \(wanted Text\).*delete the dev server's database file/s);
  });

  it('fails fast with the last output when the process exits early', async () => {
    const fake = path.join(tmp, 'fake-temporal');
    await fs.writeFile(fake, '#!/bin/sh\necho "boom: cannot start" >&2\nexit 3\n', { mode: 0o755 });
    const started = Date.now();

    await expect(start({ cliPath: fake, readyTimeoutMs: 30_000 })).rejects.toThrow(
      /exited early with code 3.*boom: cannot start/s,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('picks new ports when it loses the race for one, however long the panic that follows', async () => {
    // The real CLI, except that its first start finds its port taken: the dev server logs that,
    // then panics with a stack trace far longer than the log tail kept.
    const marker = path.join(tmp, 'lost-once');
    const wrapper = path.join(tmp, 'temporal-loses-once');
    await fs.writeFile(
      wrapper,
      [
        '#!/bin/sh',
        `if [ ! -e '${marker}' ]; then`,
        `  touch '${marker}'`,
        '  echo \'level=ERROR msg="Failed to start gRPC listener" error="listen tcp 127.0.0.1:1: bind: address already in use"\' >&2',
        "  echo 'panic: runtime error: invalid memory address or nil pointer dereference' >&2",
        '  i=0; while [ $i -lt 200 ]; do echo "  go.temporal.io/server/frame$i(...)" >&2; i=$((i+1)); done',
        '  exit 2',
        'fi',
        `exec '${cliPath}' "$@"`,
      ].join('\n'),
      { mode: 0o755 },
    );

    const server = await start({ cliPath: wrapper });

    expect(logs).toContain('Temporal dev server lost a race for its port; retrying with new ports');
    await withConnection(server.address, async (connection) => {
      await expect(connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
    });
  });

  it('refuses a fixed port that something else already listens on', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as net.AddressInfo;
    try {
      await expect(start({ port })).rejects.toThrow(`127.0.0.1:${port} is already in use`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('rejects search attribute names the server would choke on', async () => {
    await expect(start({ searchAttributes: { 'bad-name': 'Keyword' } })).rejects.toThrow(/not an identifier/);
  });
});
