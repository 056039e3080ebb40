import * as net from 'node:net';
import * as path from 'node:path';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/temporal/dev-server';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/temporal-endpoint';
import { temporalCli } from './cordon-process';

/**
 * A Temporal dev server the test owns (`temporal server start-dev --headless --port N
 * --db-filename <dir>/temporal.db`), so Cordon can run as separate api and worker processes
 * against it and the test can stop and start it on the same port and the same database file.
 */
export interface ExternalTemporal {
  /** host:port, the same across restarts. */
  address: string;
  /** The dev server's process id, while it runs. */
  pid: () => number | null;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startExternalTemporal(dir: string): Promise<ExternalTemporal> {
  const cliPath = await temporalCli();
  const port = await freePort();
  let server: TemporalDevServer | null = null;
  const start = async () => {
    if (server) return;
    server = await startTemporalDevServer({
      cliPath,
      dbFile: path.join(dir, 'temporal.db'),
      port,
      uiPort: null,
      namespace: 'default',
      searchAttributes: { ...SEARCH_ATTRIBUTES },
      log: () => undefined,
    });
  };
  await start();
  return {
    address: `127.0.0.1:${port}`,
    pid: () => server?.pid ?? null,
    async stop() {
      const s = server;
      server = null;
      await s?.stop();
    },
    start,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
