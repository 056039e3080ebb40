import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { ChainChecker, type ChainBreak } from './audit-chain';
import { AuditEntryEntity } from './entities/audit-entry.entity';

export interface ChainReport {
  /** Null: the provider-level chain. */
  tenantId: string | null;
  tenantName: string | null;
  count: number;
  broken: ChainBreak | null;
}

const BATCH = 1000;

/**
 * Walks every chain (or one tenant's) from its first row and reports the first break of each.
 * It reads as the roles the app uses, one tenant at a time, so it needs no privilege beyond
 * theirs and never bypasses row-level security.
 */
export async function verifyAuditLog(db: TenantDb, opts: { tenantId?: string } = {}): Promise<ChainReport[]> {
  const tenants = await db.system((em) =>
    em.query<{ id: string; name: string }[]>(
      `SELECT id, name FROM tenants ${opts.tenantId ? 'WHERE id = $1' : ''} ORDER BY name, id`,
      opts.tenantId ? [opts.tenantId] : [],
    ),
  );
  const reports: ChainReport[] = [];
  if (!opts.tenantId) {
    reports.push({ tenantId: null, tenantName: null, ...(await db.system((em) => walk(em, null))) });
  }
  for (const t of tenants) {
    reports.push({ tenantId: t.id, tenantName: t.name, ...(await db.run(t.id, (em) => walk(em, t.id))) });
  }
  return reports;
}

async function walk(
  em: EntityManager,
  tenantId: string | null,
): Promise<{ count: number; broken: ChainBreak | null }> {
  const checker = new ChainChecker();
  for (let after = 0; ;) {
    const rows = await em
      .createQueryBuilder(AuditEntryEntity, 'a')
      .where(tenantId === null ? 'a.tenant_id IS NULL' : 'a.tenant_id = :tenantId', { tenantId })
      .andWhere('a.seq > :after', { after })
      .orderBy('a.seq', 'ASC')
      .limit(BATCH)
      .getMany();
    for (const row of rows) if (checker.check(row)) return { count: checker.count, broken: checker.broken };
    if (rows.length < BATCH) return { count: checker.count, broken: null };
    after = rows[rows.length - 1].seq;
  }
}
