import type { ApprovalEntity } from '../entities/approval.entity';
import { outcomesOf } from '../mappers/approval.mapper';
import { approvalNotice, channelKind, notificationAction, outcomeText, targetText } from './approval-message';

const approval = (over: Partial<ApprovalEntity> = {}): ApprovalEntity =>
  ({
    id: 'a1',
    stepId: 'approve',
    prompt: 'Contain WS-01?',
    quorum: 2,
    level: 0,
    escalationLevels: 0,
    onTimeout: 'reject',
    onReject: 'continue',
    context: { target: { host: 'WS-01', ip: '10.0.0.5', enrichment: { verdict: 'malicious' } } },
    caseSummary: { number: 12, title: 'Ransomware on WS-01', severity: 'CRITICAL', status: 'OPEN' },
    expiresAt: new Date('2026-01-01T10:00:00Z'),
    status: 'PENDING',
    timedOutDecision: null,
    ...over,
  }) as ApprovalEntity;

describe('approval messages', () => {
  it('names channels by integration id, alias or action', () => {
    expect(['slack', 'slack.post_approval'].map(channelKind)).toEqual(['slack', 'slack']);
    expect(['teams', 'microsoft-teams'].map(channelKind)).toEqual(['teams', 'teams']);
    expect(['email', 'smtp-email'].map(channelKind)).toEqual(['email', 'email']);
    expect(channelKind('notify.send')).toBe('action');
    expect(notificationAction('generic-webhook')).toBe('generic-webhook.send_message');
    expect(notificationAction('notify.send')).toBe('notify.send');
  });

  it('shows the target as text, leaving nested enrichment out', () => {
    expect(targetText(approval().context)).toBe('host: WS-01, ip: 10.0.0.5');
    expect(targetText({ target: 'WS-01' })).toBe('WS-01');
    expect(targetText(null)).toBeUndefined();
  });

  it('gives the decider the whole context: case, target, each outcome, the deadline, the quorum', () => {
    const { subject, text } = approvalNotice(approval());
    expect(subject).toBe('Approval needed: Contain WS-01?');
    expect(text).toContain('Case: #12 Ransomware on WS-01 (CRITICAL, OPEN)');
    expect(text).toContain('Target: host: WS-01, ip: 10.0.0.5');
    expect(text).toContain('If rejected: The run continues without the steps that need this approval.');
    expect(text).toContain('Deadline: 2026-01-01T10:00:00.000Z (then: Treated as rejected');
    expect(text).toContain('Needs 2 approvals from different people.');
  });

  it("says what each ending does, in the playbook's words when it gives them", () => {
    expect(
      outcomesOf(approval({ context: { on_approve: 'Isolate WS-01.', on_reject: 'Nothing changes.' } })),
    ).toEqual({
      onApprove: 'Isolate WS-01.',
      onReject: 'Nothing changes.',
      onTimeout: 'Treated as rejected: nothing changes.',
    });
    expect(outcomesOf(approval({ onReject: 'fail' })).onReject).toMatch(/fails and undoes/);
    expect(outcomesOf(approval({ onTimeout: 'escalate', escalationLevels: 2, level: 1 })).onTimeout).toBe(
      'Escalates to the next approvers (level 2 of 2).',
    );
    expect(outcomesOf(approval({ onTimeout: 'escalate', escalationLevels: 2, level: 2 })).onTimeout).toMatch(
      /^Treated as rejected/,
    );
  });

  it('tells the outcome with who decided', () => {
    const decisions = [
      { actorName: 'alice', decision: 'APPROVE', comment: 'ok' },
      { actorName: 'bob', decision: 'APPROVE', comment: null },
    ];
    expect(outcomeText(approval({ status: 'APPROVED' }), decisions)).toBe(
      'Approved by alice ("ok"), bob: Contain WS-01?',
    );
    expect(outcomeText(approval({ status: 'EXPIRED', timedOutDecision: 'approved' }), [])).toBe(
      'No decision in time (treated as approved): Contain WS-01?',
    );
  });
});
