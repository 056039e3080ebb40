import type { CorrelationSettings, DedupSettings } from '../tenancy/entities/tenant.entity';
import type { SqlStatement } from '../database/tenant-db';

/** The tenant's ingest settings, read once per batch: the statement, to open the ingest with. */
export function tenantSettingsStatement(tenantId: string): SqlStatement {
  return { sql: `SELECT correlation, dedup FROM tenants WHERE id = $1`, params: [tenantId] };
}

export type TenantSettingsRow = { correlation: CorrelationSettings; dedup: DedupSettings };

/** The settings from `tenantSettingsStatement`'s rows. */
export function tenantSettings(tenantId: string, rows: TenantSettingsRow[]): TenantSettingsRow {
  const [row] = rows;
  if (!row) throw new Error(`tenant ${tenantId} does not exist`);
  return { correlation: row.correlation, dedup: row.dedup };
}
