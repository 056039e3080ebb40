import * as path from 'node:path';
import type { AppConfig } from '../config/config';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { locateTemporalCli } from '../temporal/temporal-cli';
import { startTemporalDevServer } from '../temporal/dev-server';
import { SEARCH_ATTRIBUTES, type TemporalEndpoint } from '../temporal/temporal-endpoint';

export interface Infrastructure {
  databaseUrl: string;
  embeddedDatabase: boolean;
  temporal: TemporalEndpoint;
  temporalUiUrl: string | null;
  /** Stops what this process started, in reverse order. */
  stop(): Promise<void>;
}

/**
 * Embedded mode starts what is not configured: PGlite when DATABASE_URL is unset, a Temporal dev
 * server when TEMPORAL_ADDRESS is unset, both keeping their state under the data directory.
 */
export async function startInfrastructure(
  config: AppConfig,
  log: (msg: string) => void,
): Promise<Infrastructure> {
  const stops: (() => Promise<void>)[] = [];
  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(path.join(config.dataDir, 'pgdata'));
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
      log(`embedded PostgreSQL (PGlite) in ${path.join(config.dataDir, 'pgdata')}`);
    }
    let address: string | undefined = config.temporal.address;
    let uiUrl: string | null = null;
    if (!address) {
      const cliPath = await locateTemporalCli({
        cliPath: config.temporal.cliPath,
        toolsDir: path.join(config.dataDir, 'tools'),
        log,
      });
      const server = await startTemporalDevServer({
        cliPath,
        dbFile: path.join(config.dataDir, 'temporal.db'),
        port: config.temporal.devServerPort,
        uiPort: config.temporal.devServerUiPort,
        namespace: config.temporal.namespace,
        searchAttributes: { ...SEARCH_ATTRIBUTES },
        log,
      });
      stops.push(() => server.stop());
      address = server.address;
      uiUrl = server.uiUrl;
      log(`embedded Temporal dev server at ${address}${uiUrl ? `, UI ${uiUrl}` : ''}`);
    }
    return {
      databaseUrl,
      embeddedDatabase: !config.database.url,
      temporal: {
        address: address,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        tls: config.temporal.tls,
        apiKey: config.temporal.apiKey,
      },
      temporalUiUrl: uiUrl,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}
