import { startTemporalDevServer } from '../../src/temporal/dev-server';
import { startCordon, temporalCli, testDatabase, type CordonProcess } from './cordon-process';

export interface SplitCordon {
  api: CordonProcess;
  worker: CordonProcess;
  stop(): Promise<void>;
}

/**
 * Production's shape: a Temporal server, a database, and the API and the worker as two
 * processes sharing them. Needs DATABASE_URL (a server both processes reach).
 */
export async function startSplitCordon(env: Record<string, string>): Promise<SplitCordon> {
  const temporal = await startTemporalDevServer({
    cliPath: await temporalCli(),
    dbFile: null,
    port: 0,
    uiPort: null,
    namespace: 'default',
    log: () => undefined,
  });
  const db = await testDatabase();
  const shared = {
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    CORDON_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    ...env,
  };
  const started: CordonProcess[] = [];
  const stop = async () => {
    for (const p of started) await p.stop();
    await temporal.stop();
    await db.drop();
  };
  try {
    started.push(await startCordon({ mode: 'api', env: shared }));
    started.push(await startCordon({ mode: 'worker', env: shared }));
  } catch (err) {
    await stop();
    throw err;
  }
  return { api: started[0], worker: started[1], stop };
}
