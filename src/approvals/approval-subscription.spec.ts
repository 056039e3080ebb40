import type { DomainEvent } from '../events/event-bus';
import type { ApprovalModel } from './models/approval.model';
import { approvalsFor, mayDecide } from './approval-subscription';

type Requested = Extract<DomainEvent, { type: 'approval.requested' }>;

const event = (approval: Partial<ApprovalModel>, requestedBy = 'apikey:requester'): Requested => ({
  type: 'approval.requested',
  tenantId: 't1',
  requestedBy,
  approval: {
    id: 'a1',
    caseId: 'c1',
    approvers: { roles: ['responder'] },
    decisions: [],
    ...approval,
  } as ApprovalModel,
});

describe('approvalRequested scoping', () => {
  it('tells those who may decide, and not the requester, a weaker role or someone who decided', () => {
    expect(mayDecide(event({}), { actorId: 'apikey:rita', role: 'responder' })).toBe(true);
    expect(mayDecide(event({}), { actorId: 'apikey:root', role: 'admin' })).toBe(true);
    expect(mayDecide(event({}), { actorId: 'apikey:ann', role: 'analyst' })).toBe(false);
    expect(mayDecide(event({}, 'apikey:rita'), { actorId: 'apikey:rita', role: 'responder' })).toBe(false);
    const decided = event({
      decisions: [
        {
          actorId: 'apikey:rita',
          actorName: 'rita',
          decision: 'APPROVE',
          comment: null,
          channel: 'graphql',
          decidedAt: new Date(),
        },
      ],
    });
    expect(mayDecide(decided, { actorId: 'apikey:rita', role: 'responder' })).toBe(false);
  });

  it('tells named users whatever their role, and filters by case', () => {
    const named = event({ approvers: { users: ['apikey:erin'] } });
    expect(mayDecide(named, { actorId: 'apikey:erin', role: 'viewer' })).toBe(true);
    expect(mayDecide(named, { actorId: 'apikey:root', role: 'admin' })).toBe(false);
    expect(mayDecide(event({}), { actorId: 'apikey:rita', role: 'responder' }, 'c2')).toBe(false);
  });

  it('skips what the subscriber may not decide', async () => {
    const events: DomainEvent[] = [event({ id: 'a1', approvers: { roles: ['admin'] } }), event({ id: 'a2' })];
    const source = (async function* () {
      yield* events;
    })();
    const it = approvalsFor(source, { actorId: 'apikey:rita', role: 'responder' });
    const first = await it.next();
    expect(first.done).toBe(false);
    expect((first.value as Requested).approval.id).toBe('a2');
    expect((await it.next()).done).toBe(true);
  });
});
