import type { ApproverSpec, PlaybookDefinition } from './playbook.types';
import type { DecideApprovalArgs, DecideApprovalResult } from './messages';
import type { StepFailureInfo } from './run-input';

/**
 * What the playbook workflow may ask of the outside world. Types (and one pure helper) only, so
 * the workflow bundle never pulls in database or HTTP code; src/activities implements it.
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
    /** Fills in a start the dispatcher could not record (absent in histories from before). */
    temporalRunId?: string;
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
    /** Optional for histories recorded before escalation levels existed. */
    rejectQuorum?: number;
    onTimeout?: 'reject' | 'approve' | 'escalate';
    onReject?: 'continue' | 'fail';
    /** How many escalation levels follow the first set of approvers. */
    escalationLevels?: number;
    requestedBy?: string;
    /** The step's rendered `context`: what the decider sees besides the prompt. */
    context?: Record<string, unknown>;
  }): Promise<void>;
  /** The approval timed out at one level and moves to the next level's approvers. */
  escalateApproval(args: {
    tenantId: string;
    approvalId: string;
    level: number;
    approvers: ApproverSpec;
    expiresAt: string | null;
  }): Promise<void>;
  /**
   * Tells a level's channels (Slack buttons, Teams card, e-mail links) that the approval waits
   * for them. Best effort: each channel's failure is recorded, not thrown.
   */
  notifyApproval(args: {
    tenantId: string;
    approvalId: string;
    level: number;
    channels: string[];
  }): Promise<{ channel: string; ok: boolean; error?: string }[]>;
  /** Replaces the approval's interactive messages (their buttons) with its outcome. */
  announceApprovalOutcome(args: { tenantId: string; approvalId: string }): Promise<void>;
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
    /** For EXPIRED: what the timeout meant for the run (on_timeout). */
    decision?: 'approved' | 'rejected';
  }): Promise<void>;
}

/** One action call, the same for every attempt of the step. */
export interface RunActionArgs {
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
  /**
   * Attempts the step made before this activity (its local first attempt): the activity's own
   * attempt count starts again at 1, the step's goes on.
   */
  priorAttempts?: number;
  /**
   * Set on the run's last step when nothing follows it: once the step has succeeded, the same
   * activity records the run as SUCCEEDED (the workflow then skips its own `finishRun`).
   */
  endsRun?: { temporalRunId: string };
}

/** The step's attempt an action activity runs: Temporal's count for it, after the step's earlier ones. */
export function stepAttempt(activityAttempt: number, args: Pick<RunActionArgs, 'priorAttempts'>): number {
  return activityAttempt + (args.priorAttempts ?? 0);
}

export interface ActionActivities {
  /**
   * Runs one integration or built-in action. Idempotent: the key is stable across retries,
   * and containment actions check the vendor's state before acting.
   */
  runAction(args: RunActionArgs): Promise<Record<string, unknown>>;
}
