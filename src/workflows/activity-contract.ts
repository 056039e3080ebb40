import type { ApproverSpec } from './playbook.types';
import type { DecideApprovalArgs, DecideApprovalResult } from './messages';
import type { StepFailureInfo } from './run-input';

/**
 * What the playbook workflow may ask of the outside world. Types only, so the workflow bundle
 * never pulls in database or HTTP code; src/activities implements it.
 */
export interface RunActivities {
  markRunStarted(args: { tenantId: string; runId: string; temporalRunId: string }): Promise<void>;
  recordStep(args: {
    tenantId: string;
    runId: string;
    stepId: string;
    kind: string;
    action?: string;
    status: 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
    input?: unknown;
    output?: unknown;
    error?: StepFailureInfo;
  }): Promise<void>;
  finishRun(args: {
    tenantId: string;
    runId: string;
    status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
    error?: StepFailureInfo & { stepId?: string };
  }): Promise<void>;
  openApproval(args: {
    tenantId: string;
    runId: string;
    approvalId: string;
    stepId: string;
    caseId: string | null;
    prompt: string;
    approvers: ApproverSpec;
    quorum: number;
    expiresAt: string | null;
  }): Promise<void>;
  recordApprovalDecision(args: {
    tenantId: string;
    decision: DecideApprovalArgs;
    result: DecideApprovalResult;
  }): Promise<void>;
  closeApproval(args: {
    tenantId: string;
    approvalId: string;
    status: 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'CANCELLED';
  }): Promise<void>;
}

export interface ActionActivities {
  /**
   * Runs one integration or built-in action. Idempotent: the key is stable across retries,
   * and containment actions check the vendor's state before acting.
   */
  runAction(args: {
    tenantId: string;
    runId: string;
    stepId: string;
    caseId: string | null;
    action: string;
    input: Record<string, unknown>;
    idempotencyKey: string;
  }): Promise<Record<string, unknown>>;
}
