import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES, MIGRATIONS } from './entities';
import { verifyTenantIsolation } from './isolation-check';

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
    // Connections once opened stay open (`min`): after a quiet half-minute, a burst of alerts
    // would otherwise pay a new backend and a SCRAM exchange per connection before its first
    // statement. A connection that breaks while idle is dropped by the pool and replaced on demand.
    extra: {
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      min: target.embedded ? 1 : target.poolSize,
    },
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

/**
 * Migrates as the schema owner: DATABASE_OWNER_URL when set (a short-lived connection of its
 * own), otherwise the app's own login. Then checks that tenant isolation is in force.
 */
export async function migrateAndVerify(
  app: DataSource,
  target: { embedded: boolean; ownerUrl: string | undefined },
): Promise<string[]> {
  let applied: string[];
  if (target.ownerUrl) {
    // Two connections: one holds the migration lock while the other migrates.
    const owner = new DataSource(dataSourceOptions({ url: target.ownerUrl, poolSize: 2, embedded: false }));
    await owner.initialize();
    try {
      applied = await runMigrations(owner, false);
    } finally {
      await owner.destroy();
    }
  } else {
    applied = await runMigrations(app, target.embedded);
  }
  await verifyTenantIsolation(app, { embedded: target.embedded, separateOwner: !!target.ownerUrl });
  return applied;
}
