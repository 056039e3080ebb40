import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ApprovalAuditEntry, ApprovalAuditSink } from '../approvals/approval-audit';
import { changeDigest } from './audit-chain';
import { AuditWriter } from './audit-writer';

/** Approval decisions into the audit log, inside the transaction that records the decision. */
@Injectable()
export class ApprovalAuditWriter implements ApprovalAuditSink {
  constructor(private readonly writer: AuditWriter) {}

  async decided(em: EntityManager, entry: ApprovalAuditEntry): Promise<void> {
    this.writer.append(em, entry.tenantId, {
      actor: {
        id: entry.actor.id,
        kind: entry.actor.id.startsWith('apikey:') ? 'apiKey' : 'user',
        name: entry.actor.name,
      },
      action: 'approval.decide',
      target: { type: 'Approval', id: entry.approvalId },
      outcome: 'SUCCESS',
      // The comment may hold PII: it stays in approval_decisions; the log keeps its digest only.
      changeDigest: changeDigest({
        approvalId: entry.approvalId,
        decision: entry.decision,
        comment: entry.comment,
      }),
      detail: {
        decision: entry.decision,
        channel: entry.channel,
        role: entry.actor.role,
        status: entry.outcome,
        runId: entry.runId,
        caseId: entry.caseId,
      },
    });
  }
}
