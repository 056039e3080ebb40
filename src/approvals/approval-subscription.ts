import type { DomainEvent } from '../events/event-bus';
import { eligible } from '../workflows/approvers';
import type { ApproverSpec, RoleName } from '../workflows/playbook.types';

type Requested = Extract<DomainEvent, { type: 'approval.requested' }>;

/** Whether a subscriber hears of an approval: they may decide it at its current level. */
export function mayDecide(
  event: Requested,
  who: { actorId: string; role: RoleName },
  caseId?: string,
): boolean {
  if (caseId && event.approval.caseId !== caseId) return false;
  if (event.requestedBy === who.actorId) return false;
  if (event.approval.decisions.some((d) => d.actorId === who.actorId)) return false;
  return eligible(event.approval.approvers as ApproverSpec, { id: who.actorId, role: who.role });
}

/**
 * The tenant's `approval.requested` events narrowed to what one subscriber may decide (the bus
 * scopes by tenant; roles and named users are checked here).
 */
export function approvalsFor(
  source: AsyncIterableIterator<DomainEvent>,
  who: { actorId: string; role: RoleName },
  caseId?: string,
): AsyncIterableIterator<DomainEvent> {
  const iterator: AsyncIterableIterator<DomainEvent> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return r;
        if (r.value.type === 'approval.requested' && mayDecide(r.value, who, caseId)) return r;
      }
    },
    async return() {
      return source.return ? source.return() : { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
