import type { ApprovalEntity } from '../entities/approval.entity';
import type { ApprovalEventEntity } from '../entities/approval-event.entity';
import type { ApproverIdentityEntity } from '../entities/approver-identity.entity';
import type {
  ApprovalEventModel,
  ApprovalModel,
  ApprovalOutcomesModel,
  ApproverIdentityModel,
} from '../models/approval.model';

export function toApprovalModel(row: ApprovalEntity): ApprovalModel {
  return {
    id: row.id,
    runId: row.runId,
    stepId: row.stepId,
    caseId: row.caseId,
    prompt: row.prompt,
    context: row.context,
    caseSummary: row.caseSummary,
    outcomes: outcomesOf(row),
    approvers: row.approvers,
    quorum: row.quorum,
    rejectQuorum: row.rejectQuorum,
    level: row.level,
    escalationLevels: row.escalationLevels,
    status: row.status,
    expiresAt: row.expiresAt,
    decidedAt: row.decidedAt,
    decisions: (row.decisions ?? [])
      .map((d) => ({
        actorId: d.actorId,
        actorName: d.actorName,
        decision: d.decision,
        comment: d.comment,
        channel: d.channel,
        decidedAt: d.createdAt,
      }))
      .sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime()),
    createdAt: row.createdAt,
  };
}

export function toApprovalEventModel(row: ApprovalEventEntity): ApprovalEventModel {
  return { kind: row.kind, actor: row.actor, data: row.data, at: row.createdAt };
}

export function toApproverIdentityModel(row: ApproverIdentityEntity): ApproverIdentityModel {
  return {
    channel: row.channel,
    externalId: row.externalId,
    actorId: row.actorId,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

/**
 * What each ending does to the run, for the decider: the playbook's own words when its context
 * gives `on_approve` / `on_reject`, otherwise what the step's settings mean.
 */
export function outcomesOf(row: ApprovalEntity): ApprovalOutcomesModel {
  const said = (key: string) => {
    const value = row.context?.[key];
    return typeof value === 'string' ? value : null;
  };
  const onApprove =
    said('on_approve') ??
    `The run continues past step "${row.stepId}" with the steps that need this approval.`;
  const onReject =
    said('on_reject') ??
    (row.onReject === 'fail'
      ? 'The run fails and undoes the completed steps that declare compensate.'
      : 'The run continues without the steps that need this approval.');
  let onTimeout: string;
  if (row.onTimeout === 'approve') onTimeout = 'Treated as approved: ' + lowerFirst(onApprove);
  else if (row.onTimeout === 'escalate' && row.level < row.escalationLevels)
    onTimeout = `Escalates to the next approvers (level ${row.level + 1} of ${row.escalationLevels}).`;
  else onTimeout = 'Treated as rejected: ' + lowerFirst(onReject);
  return { onApprove, onReject, onTimeout };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
