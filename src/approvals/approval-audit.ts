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
 * The audit module provides APPROVAL_AUDIT with a writer to its hash-chained table
 * (src/audit/approval-audit.writer.ts).
 */
export interface ApprovalAuditSink {
  decided(em: EntityManager, entry: ApprovalAuditEntry): Promise<void>;
}

export const APPROVAL_AUDIT = Symbol('APPROVAL_AUDIT');
