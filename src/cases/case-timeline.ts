import type { EntityManager } from 'typeorm';
import { CaseEventEntity } from './entities/case-event.entity';
import type { CaseEventKind } from './case-event-kind';

/**
 * Appends a timeline entry inside the caller's transaction, so the change and its record land
 * together. A writer that may repeat (a retried activity) passes an `eventKey`: the entry is
 * recorded once per case and key, and a repeat leaves the first one as it is.
 */
export async function recordCaseEvent(
  em: EntityManager,
  e: {
    tenantId: string;
    caseId: string;
    kind: CaseEventKind;
    actor: string;
    data?: Record<string, unknown>;
    eventKey?: string;
  },
): Promise<void> {
  if (e.eventKey !== undefined) {
    await em.query(
      `INSERT INTO case_events (tenant_id, case_id, kind, actor, data, event_key) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (case_id, event_key) WHERE event_key IS NOT NULL DO NOTHING`,
      [e.tenantId, e.caseId, e.kind, e.actor, JSON.stringify(e.data ?? {}), e.eventKey],
    );
    return;
  }
  await em.insert(CaseEventEntity, {
    tenantId: e.tenantId,
    caseId: e.caseId,
    kind: e.kind,
    actor: e.actor,
    data: (e.data ?? {}) as never,
  });
}
