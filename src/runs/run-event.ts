import type { EntityManager } from 'typeorm';
import { AppError } from '../common/errors/app-error';

export interface RunEventSnapshot {
  alert?: Record<string, unknown>;
  case?: Record<string, unknown>;
}

/**
 * The `alert` and `case` a manual or case-triggered run sees, read in the caller's tenant
 * transaction. The case carries every distinct observable of its alerts, so a playbook can
 * act on all the hosts of an outbreak.
 */
export async function runEvent(
  em: EntityManager,
  tenantId: string,
  ids: { caseId?: string | null; alertId?: string | null },
): Promise<RunEventSnapshot> {
  const out: RunEventSnapshot = {};
  let caseId = ids.caseId ?? null;
  if (ids.alertId) {
    const [alert] = await em.query<Record<string, unknown>[]>(
      `SELECT a.id, a.source, a.source_ref AS "sourceRef", a.title, a.severity, a.techniques,
              a.detected_at AS "detectedAt", a.case_id AS "caseId",
              COALESCE((SELECT json_agg(json_build_object('type', o.type, 'value', o.value) ORDER BY o.type, o.value)
                          FROM observables o WHERE o.alert_id = a.id AND o.tenant_id = a.tenant_id), '[]') AS observables
         FROM alerts a WHERE a.tenant_id = $1 AND a.id = $2`,
      [tenantId, ids.alertId],
    );
    if (!alert) throw new AppError('NOT_FOUND', `alert ${ids.alertId} not found`);
    out.alert = { ...alert, detectedAt: new Date(alert.detectedAt as string).toISOString() };
    caseId ??= (alert.caseId as string | null) ?? null;
  }
  if (caseId) {
    const [kase] = await em.query<Record<string, unknown>[]>(
      `SELECT c.id, c.number, c.title, c.severity, c.status, c.assignee, c.tags, c.resolution,
              COALESCE((SELECT json_agg(DISTINCT jsonb_build_object('type', o.type, 'value', o.value))
                          FROM observables o JOIN alerts a ON a.id = o.alert_id
                         WHERE a.case_id = c.id AND a.tenant_id = c.tenant_id), '[]') AS observables
         FROM cases c WHERE c.tenant_id = $1 AND c.id = $2`,
      [tenantId, caseId],
    );
    if (!kase) throw new AppError('NOT_FOUND', `case ${caseId} not found`);
    out.case = kase;
  }
  return out;
}
