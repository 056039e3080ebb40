import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** One decision the workflow accepted, as the audit log will keep it. */
export interface ApprovalAuditEntry {
  tenantId: string;
  approvalId: string;
  runId: string | null;
  caseId: string | null;
  actor: { id: string; name: string; role: string };
  decision: 'APPROVE' | 'REJECT';
  comment: string | null;
  channel: string;
  /** The approval's status after this decision. */
  outcome: string;
}

/**
 * The audit hook for approval decisions. It is called inside the transaction that records the
 * decision, so an audit writer that inserts into the same database lands with it or not at all.
 *
 * There is no audit log yet (DESIGN's `auditLog(filter)`): this default only logs. The audit
 * module replaces it by providing APPROVAL_AUDIT with a writer to its table.
 */
export interface ApprovalAuditSink {
  decided(em: EntityManager, entry: ApprovalAuditEntry): Promise<void>;
}

export const APPROVAL_AUDIT = Symbol('APPROVAL_AUDIT');

@Injectable()
export class LoggingApprovalAudit implements ApprovalAuditSink {
  private readonly logger = new Logger('ApprovalAudit');

  async decided(_em: EntityManager, entry: ApprovalAuditEntry): Promise<void> {
    // Ids and the decision only: comments may hold PII and stay in PostgreSQL.
    this.logger.log(
      {
        tenantId: entry.tenantId,
        approvalId: entry.approvalId,
        actor: entry.actor.id,
        decision: entry.decision,
        channel: entry.channel,
        outcome: entry.outcome,
      },
      'approval decision',
    );
  }
}
