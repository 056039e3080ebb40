import type { ApprovalEntity } from '../entities/approval.entity';
import type { ApprovalModel } from '../models/approval.model';

export function toApprovalModel(row: ApprovalEntity): ApprovalModel {
  return {
    id: row.id,
    runId: row.runId,
    stepId: row.stepId,
    caseId: row.caseId,
    prompt: row.prompt,
    approvers: row.approvers,
    quorum: row.quorum,
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
