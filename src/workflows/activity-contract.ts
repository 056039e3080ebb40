import type { ApproverSpec, PlaybookDefinition } from './playbook.types';
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
  /**
   * Creates (or finds, on a retry) the run row of a child playbook and pins its version. The
   * workflow id is derived from the parent's, so a replayed parent never starts a second child.
   */
  prepareChildRun(args: {
    tenantId: string;
    parentRunId: string;
    parentWorkflowId: string;
    stepId: string;
    playbookId: string;
    caseId: string | null;
    requestedBy: string;
  }): Promise<{ runId: string; workflowId: string; versionId: string; definition: PlaybookDefinition }>;
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
    /** How the run's record labels the step: action (default), notify, compensate. */
    kind?: string;
    caseId: string | null;
    action: string;
    input: Record<string, unknown>;
    idempotencyKey: string;
    /** Send integration calls to the vendor's fake and only describe Cordon's own actions. */
    dryRun?: boolean;
  }): Promise<Record<string, unknown>>;
}
