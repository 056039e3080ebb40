import type { EntityManager } from 'typeorm';
import type { CorrelationSettings, DedupSettings } from '../tenancy/entities/tenant.entity';
import { TenantEntity } from '../tenancy/entities/tenant.entity';
import { CaseEntity } from './entities/case.entity';
import { OPEN_CASE_STATUSES } from './case-status';

/** The tenant's ingest settings, read once per batch. */
export async function tenantSettings(
  em: EntityManager,
  tenantId: string,
): Promise<{ correlation: CorrelationSettings; dedup: DedupSettings }> {
  const tenant = await em.findOneOrFail(TenantEntity, { where: { id: tenantId } });
  return { correlation: tenant.correlation, dedup: tenant.dedup };
}

/**
 * The open case a new alert belongs with: the one whose alerts most recently saw one of the same
 * entities (host, user, … per the tenant's settings) within the window. Null when none does.
 */
export async function correlatedCase(
  em: EntityManager,
  tenantId: string,
  alert: { id: string; observables: { type: string; value: string }[] },
  settings: CorrelationSettings,
): Promise<CaseEntity | null> {
  if (!settings.enabled) return null;
  const keys = alert.observables.filter((o) => (settings.entities as string[]).includes(o.type));
  if (!keys.length) return null;
  const rows = await em.query<{ case_id: string }[]>(
    `SELECT a.case_id
       FROM observables o
       JOIN alerts a ON a.id = o.alert_id
       JOIN cases c ON c.id = a.case_id
      WHERE o.tenant_id = $1
        AND (o.type, o.value) IN (SELECT * FROM unnest($2::text[], $3::text[]))
        AND a.id <> $4
        AND c.status = ANY($5::text[])
        AND a.last_seen_at >= now() - make_interval(mins => $6)
      ORDER BY a.last_seen_at DESC
      LIMIT 1`,
    [
      tenantId,
      keys.map((k) => k.type),
      keys.map((k) => k.value),
      alert.id,
      OPEN_CASE_STATUSES,
      settings.windowMinutes,
    ],
  );
  if (!rows[0]) return null;
  return em.findOne(CaseEntity, {
    where: { tenantId, id: rows[0].case_id },
    lock: { mode: 'pessimistic_write' },
  });
}
