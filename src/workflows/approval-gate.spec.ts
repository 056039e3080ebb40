import { ApprovalGate, type NewApproval } from './approval-gate';
import type { DecideApprovalArgs } from './messages';

const decision = (
  actor: string,
  role: DecideApprovalArgs['actor']['role'],
  d: 'APPROVE' | 'REJECT' = 'APPROVE',
): DecideApprovalArgs => ({
  approvalId: 'a1',
  decision: d,
  channel: 'graphql',
  actor: { id: actor, name: actor, role },
});

const refusalOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { type?: string }).type;
  }
  return undefined;
};

describe('ApprovalGate', () => {
  const gateWith = (quorum: number, extra: Partial<NewApproval> = {}) => {
    const gate = new ApprovalGate('apikey:requester');
    gate.add({ approvalId: 'a1', stepId: 'approve', approvers: { roles: ['responder'] }, quorum, ...extra });
    return gate;
  };

  it('refuses the requester, an ineligible role and an unknown approval, each with its code', () => {
    const gate = gateWith(1);
    expect(() => gate.validate(decision('apikey:requester', 'admin'))).toThrow(/started the run/);
    expect(refusalOf(() => gate.validate(decision('apikey:requester', 'admin')))).toBe('REQUESTER');
    expect(() => gate.validate(decision('apikey:bob', 'analyst'))).toThrow(/may not decide/);
    expect(refusalOf(() => gate.validate(decision('apikey:bob', 'analyst')))).toBe('NOT_ELIGIBLE');
    expect(
      refusalOf(() => gate.validate({ ...decision('apikey:bob', 'responder'), approvalId: 'nope' })),
    ).toBe('NOT_PENDING');
  });

  it('counts distinct approvers up to the quorum and refuses a repeat', () => {
    const gate = gateWith(2);
    gate.validate(decision('apikey:alice', 'responder'));
    expect(gate.apply(decision('apikey:alice', 'responder')).outcome).toBe('PENDING');
    expect(refusalOf(() => gate.validate(decision('apikey:alice', 'responder')))).toBe('ALREADY_DECIDED');
    // Approving then rejecting is a repeat too.
    expect(refusalOf(() => gate.validate(decision('apikey:alice', 'responder', 'REJECT')))).toBe(
      'ALREADY_DECIDED',
    );
    gate.validate(decision('apikey:carol', 'admin'));
    expect(gate.apply(decision('apikey:carol', 'admin')).outcome).toBe('APPROVED');
    expect(refusalOf(() => gate.validate(decision('apikey:dave', 'responder')))).toBe('NOT_PENDING');
  });

  it('ends at once on an eligible rejection by default', () => {
    const gate = gateWith(2);
    expect(gate.apply(decision('apikey:alice', 'responder', 'REJECT')).outcome).toBe('REJECTED');
  });

  it('waits for reject_quorum rejections when it is set', () => {
    const gate = gateWith(1, { rejectQuorum: 2 });
    expect(gate.apply(decision('apikey:alice', 'responder', 'REJECT')).outcome).toBe('PENDING');
    const after = gate.apply(decision('apikey:bob', 'responder', 'REJECT'));
    expect(after.outcome).toBe('REJECTED');
    expect(after.rejectedBy).toEqual(['apikey:alice', 'apikey:bob']);
  });

  it('an ineligible rejection changes nothing', () => {
    const gate = gateWith(1);
    expect(() => gate.apply(decision('apikey:viewer', 'viewer', 'REJECT'))).toThrow(/may not decide/);
    expect(gate.get('a1')).toMatchObject({ outcome: 'PENDING', rejectedBy: [] });
  });

  it('lets named users decide whatever their role, and only them when no roles are listed', () => {
    const gate = new ApprovalGate('apikey:requester');
    gate.add({ approvalId: 'a1', stepId: 's', approvers: { users: ['apikey:erin'] }, quorum: 1 });
    expect(() => gate.validate(decision('apikey:erin', 'viewer'))).not.toThrow();
    expect(() => gate.validate(decision('apikey:frank', 'admin'))).toThrow(/may not decide/);
  });

  it('takes roles and users together', () => {
    const gate = new ApprovalGate('apikey:requester');
    gate.add({
      approvalId: 'a1',
      stepId: 's',
      approvers: { roles: ['admin'], users: ['apikey:erin'] },
      quorum: 2,
    });
    expect(() => gate.validate(decision('apikey:erin', 'analyst'))).not.toThrow();
    expect(() => gate.validate(decision('apikey:root', 'admin'))).not.toThrow();
    expect(() => gate.validate(decision('apikey:rita', 'responder'))).toThrow(/may not decide/);
  });

  it('the requester never counts, even when named', () => {
    const gate = new ApprovalGate('apikey:requester');
    gate.add({ approvalId: 'a1', stepId: 's', approvers: { users: ['apikey:requester'] }, quorum: 1 });
    expect(refusalOf(() => gate.validate(decision('apikey:requester', 'admin')))).toBe('REQUESTER');
  });

  it('escalation hands the approval to the next set and keeps what was counted', () => {
    const gate = gateWith(2);
    gate.apply(decision('apikey:alice', 'responder'));
    const escalated = gate.escalate('a1', { roles: ['admin'] });
    expect(escalated.level).toBe(1);
    expect(refusalOf(() => gate.validate(decision('apikey:rita', 'responder')))).toBe('NOT_ELIGIBLE');
    expect(gate.apply(decision('apikey:root', 'admin')).outcome).toBe('APPROVED');
    expect(gate.get('a1')!.approvedBy).toEqual(['apikey:alice', 'apikey:root']);
  });

  it('escalates any number of levels, each replacing the last', () => {
    const gate = gateWith(1);
    gate.escalate('a1', { roles: ['admin'] });
    gate.escalate('a1', { users: ['apikey:ciso'] });
    expect(gate.get('a1')!.level).toBe(2);
    expect(refusalOf(() => gate.validate(decision('apikey:root', 'admin')))).toBe('NOT_ELIGIBLE');
    expect(gate.apply(decision('apikey:ciso', 'viewer')).outcome).toBe('APPROVED');
    expect(() => gate.escalate('a1', { roles: ['admin'] })).toThrow(/not pending/);
  });

  it('refuses the loser of two racing decisions in apply, even after both validated', () => {
    const gate = gateWith(1);
    const first = decision('apikey:alice', 'responder');
    const second = decision('apikey:bob', 'responder');
    gate.validate(first);
    gate.validate(second);
    expect(gate.apply(first).outcome).toBe('APPROVED');
    expect(refusalOf(() => gate.apply(second))).toBe('NOT_PENDING');
    expect(gate.get('a1')!.approvedBy).toEqual(['apikey:alice']);
  });

  it('an expired approval takes no decision and is no longer pending', () => {
    const gate = gateWith(1);
    gate.expire('a1');
    expect(gate.pendingIds()).toEqual([]);
    expect(refusalOf(() => gate.validate(decision('apikey:alice', 'responder')))).toBe('NOT_PENDING');
  });
});
