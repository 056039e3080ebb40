import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../../src/database/data-source';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { verifyTenantIsolation } from '../../src/database/isolation-check';
import { TenantDb } from '../../src/database/tenant-db';
import { TenantEntity } from '../../src/tenancy/entities/tenant.entity';
import { testDatabase } from './cordon-process';

export interface MigratedDatabase {
  dataSource: DataSource;
  db: TenantDb;
  embedded: boolean;
  newTenant(name?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A migrated database for medium-tier specs: a fresh database on the PostgreSQL server when
 * DATABASE_URL is set, otherwise an in-memory PGlite served over the wire protocol.
 */
export async function migratedDatabase(
  extra: Partial<Pick<DataSourceOptions, 'logger' | 'logging'>> = {},
): Promise<MigratedDatabase> {
  const server = await testDatabase();
  const pglite = server.url ? null : await startEmbeddedPostgres(null);
  const url = server.url ?? pglite!.url;
  const dataSource = new DataSource({
    ...dataSourceOptions({ url, poolSize: 4, embedded: !!pglite }),
    ...extra,
  });
  await dataSource.initialize();
  await runMigrations(dataSource, !!pglite);
  await verifyTenantIsolation(dataSource, { embedded: !!pglite, separateOwner: false });
  const db = new TenantDb(dataSource);
  let n = 0;
  return {
    dataSource,
    db,
    embedded: !!pglite,
    async newTenant(name = `tenant-${process.pid}-${++n}-${Date.now()}`) {
      const row = await db.system((em) => em.save(em.create(TenantEntity, { name, caseSeq: 0 })));
      return row.id;
    },
    async close() {
      await dataSource.destroy();
      await pglite?.stop();
      await server.drop();
    },
  };
}
