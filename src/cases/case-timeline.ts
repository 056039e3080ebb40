import type { EntityManager } from 'typeorm';
import { CaseEventEntity } from './entities/case-event.entity';
import type { CaseEventKind } from './case-event-kind';

/** Appends a timeline entry inside the caller's transaction, so the change and its record land together. */
export async function recordCaseEvent(
  em: EntityManager,
  e: { tenantId: string; caseId: string; kind: CaseEventKind; actor: string; data?: Record<string, unknown> },
): Promise<void> {
  await em.insert(CaseEventEntity, {
    tenantId: e.tenantId,
    caseId: e.caseId,
    kind: e.kind,
    actor: e.actor,
    data: (e.data ?? {}) as never,
  });
}
