import type { ApprovalEntity } from '../entities/approval.entity';
import { outcomesOf } from '../mappers/approval.mapper';

/** Channel names an approval step may list under `notify`, and what each of them means. */
export type ChannelKind = 'slack' | 'teams' | 'email' | 'action';

export function channelKind(name: string): ChannelKind {
  switch (name) {
    case 'slack':
    case 'slack.post_approval':
      return 'slack';
    case 'teams':
    case 'microsoft-teams':
    case 'microsoft-teams.send_message':
      return 'teams';
    case 'email':
    case 'smtp-email':
    case 'smtp-email.send_message':
      return 'email';
    default:
      return 'action';
  }
}

/** The action a plain notification goes through: a capability or vendor action, or an integration's send_message. */
export function notificationAction(name: string): string {
  return name.includes('.') ? name : `${name}.send_message`;
}

/** "WS-01", or "host: WS-01, os: Windows" for a mapping: what the approved action acts on. */
export function targetText(context: Record<string, unknown> | null): string | undefined {
  const target = context?.target;
  if (target === undefined || target === null) return undefined;
  if (typeof target !== 'object') return typeof target === 'string' ? target : JSON.stringify(target);
  const parts = Object.entries(target as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v)}`);
  return parts.length ? parts.join(', ') : JSON.stringify(target);
}

export function caseText(a: ApprovalEntity): string | undefined {
  const s = a.caseSummary;
  if (!s) return undefined;
  return `#${String(s.number)} ${String(s.title)} (${String(s.severity)}, ${String(s.status)})`;
}

/**
 * Subject and text for channels without buttons (e-mail, Teams): the decider's whole context.
 * The decision link travels as the message's `link` (a button in Teams, a line in the e-mail).
 */
export function approvalNotice(a: ApprovalEntity): { subject: string; text: string } {
  const outcomes = outcomesOf(a);
  const lines = [a.prompt, ''];
  const kase = caseText(a);
  if (kase) lines.push(`Case: ${kase}`);
  const target = targetText(a.context);
  if (target) lines.push(`Target: ${target}`);
  lines.push(`If approved: ${outcomes.onApprove}`, `If rejected: ${outcomes.onReject}`);
  lines.push(
    a.expiresAt ? `Deadline: ${a.expiresAt.toISOString()} (then: ${outcomes.onTimeout})` : 'Deadline: none',
  );
  if (a.quorum > 1) lines.push(`Needs ${a.quorum} approvals from different people.`);
  lines.push('', 'Open the link to review the approval and decide before the deadline.');
  const subject = `Approval needed: ${a.prompt}`;
  return { subject: subject.length > 150 ? `${subject.slice(0, 149)}…` : subject, text: lines.join('\n') };
}

/** What a message about a finished approval says instead of its buttons. */
export function outcomeText(
  a: Pick<ApprovalEntity, 'status' | 'timedOutDecision' | 'prompt'>,
  decisions: { actorName: string; decision: string; comment: string | null }[],
): string {
  const by = (d: 'APPROVE' | 'REJECT') =>
    decisions
      .filter((x) => x.decision === d)
      .map((x) => (x.comment ? `${x.actorName} ("${x.comment}")` : x.actorName))
      .join(', ');
  switch (a.status) {
    case 'APPROVED':
      return `Approved by ${by('APPROVE')}: ${a.prompt}`;
    case 'REJECTED':
      return `Rejected by ${by('REJECT')}: ${a.prompt}`;
    case 'EXPIRED':
      return `No decision in time (treated as ${a.timedOutDecision ?? 'rejected'}): ${a.prompt}`;
    case 'CANCELLED':
      return `Cancelled with its run: ${a.prompt}`;
    case 'PENDING':
      return `Waiting for a decision: ${a.prompt}`;
  }
}
