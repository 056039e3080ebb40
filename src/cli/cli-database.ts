import * as path from 'node:path';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { dataSourceOptions } from '../database/data-source';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { TenantDb } from '../database/tenant-db';

export interface CliDatabase {
  db: TenantDb;
  /** Where it is, for messages: the host and database, or the embedded data directory. */
  where: string;
  close(): Promise<void>;
}

/**
 * The server's database for an operator command: DATABASE_URL, or the embedded PGlite under the
 * data directory (which only one process may open: stop the embedded server first). The schema
 * must exist already; commands never migrate.
 */
export async function openCliDatabase(config: AppConfig): Promise<CliDatabase> {
  const pgdata = path.join(config.dataDir, 'pgdata');
  const embedded = config.database.url ? null : await startEmbeddedPostgres(pgdata);
  const url = config.database.url ?? embedded!.url;
  const where = embedded ? `embedded database in ${pgdata}` : describeUrl(url);
  const dataSource = new DataSource(dataSourceOptions({ url, poolSize: 2, embedded: !!embedded }));
  try {
    await dataSource.initialize();
    const [{ migrated }] = await dataSource.query<{ migrated: string | null }[]>(
      `SELECT to_regclass('schema_migrations')::text AS migrated`,
    );
    if (!migrated) throw new Error(`the ${where} has no Cordon schema: start the server once to migrate it`);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    db: new TenantDb(dataSource),
    where,
    async close() {
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** host:port/database, never the password. */
function describeUrl(url: string): string {
  const u = new URL(url);
  return `database ${u.host}${u.pathname}`;
}
