import type { EntityManager } from 'typeorm';
import type { ApprovalEventKind } from './entities/approval-event.entity';

/**
 * Records one transition of an approval in its own timeline and, when it belongs to a case, in
 * the case's timeline too (kind `APPROVAL_<kind>`). Both writes are keyed, so an activity that
 * runs twice records nothing twice.
 */
export async function recordApprovalEvent(
  em: EntityManager,
  e: {
    tenantId: string;
    approvalId: string;
    kind: ApprovalEventKind;
    actor: string;
    data: Record<string, unknown>;
    /** Unique per approval: "requested", "decision:<actor>", "escalated:2", "closed". */
    key: string;
  },
): Promise<void> {
  const data = JSON.stringify({ approvalId: e.approvalId, ...e.data });
  await em.query(
    `INSERT INTO approval_events (tenant_id, approval_id, kind, actor, data, event_key)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (approval_id, event_key) DO NOTHING`,
    [e.tenantId, e.approvalId, e.kind, e.actor, data, e.key],
  );
  await em.query(
    `INSERT INTO case_events (tenant_id, case_id, kind, actor, data, event_key)
     SELECT tenant_id, case_id, $3, $4, $5, $6 FROM approvals
      WHERE tenant_id = $1 AND id = $2 AND case_id IS NOT NULL
     ON CONFLICT (case_id, event_key) WHERE event_key IS NOT NULL DO NOTHING`,
    [e.tenantId, e.approvalId, `APPROVAL_${e.kind}`, e.actor, data, `approval:${e.approvalId}:${e.key}`],
  );
}
