import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES, MIGRATIONS } from './entities';

export interface DatabaseTarget {
  url: string;
  poolSize: number;
  /** PGlite: one connection, no extension installs (gen_random_uuid is built in). */
  embedded: boolean;
}

export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  return {
    type: 'postgres',
    url: target.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize: target.embedded ? 1 : target.poolSize,
    extra: { connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 },
    // Errors surface through our own structured logging, with the request id; not as raw SQL.
    logging: false,
  };
}

/** Arbitrary but fixed: serialises migrations when several replicas start at once. */
const MIGRATION_LOCK = 727_172_001;

export async function runMigrations(dataSource: DataSource, embedded: boolean): Promise<string[]> {
  // PGlite has one connection and one process: no lock needed, and holding one would deadlock.
  if (embedded) return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
