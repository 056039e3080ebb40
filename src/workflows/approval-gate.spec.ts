import { ApprovalGate } from './approval-gate';
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

describe('ApprovalGate', () => {
  const gateWith = (quorum: number) => {
    const gate = new ApprovalGate('apikey:requester');
    gate.add({ approvalId: 'a1', stepId: 'approve', approvers: { roles: ['responder'] }, quorum });
    return gate;
  };

  it('refuses the requester, an ineligible role and an unknown approval', () => {
    const gate = gateWith(1);
    expect(() => gate.validate(decision('apikey:requester', 'admin'))).toThrow(/started the run/);
    expect(() => gate.validate(decision('apikey:bob', 'analyst'))).toThrow(/may not decide/);
    expect(() => gate.validate({ ...decision('apikey:bob', 'responder'), approvalId: 'nope' })).toThrow(
      /no longer pending/,
    );
  });

  it('counts distinct approvers up to the quorum and refuses a repeat', () => {
    const gate = gateWith(2);
    gate.validate(decision('apikey:alice', 'responder'));
    expect(gate.apply(decision('apikey:alice', 'responder')).outcome).toBe('PENDING');
    expect(() => gate.validate(decision('apikey:alice', 'responder'))).toThrow(/already decided/);
    gate.validate(decision('apikey:carol', 'admin'));
    expect(gate.apply(decision('apikey:carol', 'admin')).outcome).toBe('APPROVED');
    expect(() => gate.validate(decision('apikey:dave', 'responder'))).toThrow(/no longer pending/);
  });

  it('ends at once on an eligible rejection', () => {
    const gate = gateWith(2);
    expect(gate.apply(decision('apikey:alice', 'responder', 'REJECT')).outcome).toBe('REJECTED');
  });

  it('lets named users decide whatever their role', () => {
    const gate = new ApprovalGate('apikey:requester');
    gate.add({ approvalId: 'a1', stepId: 's', approvers: { users: ['apikey:erin'] }, quorum: 1 });
    expect(() => gate.validate(decision('apikey:erin', 'viewer'))).not.toThrow();
    expect(() => gate.validate(decision('apikey:frank', 'admin'))).toThrow(/may not decide/);
  });
});
