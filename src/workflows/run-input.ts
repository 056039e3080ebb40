import type { PlaybookDefinition } from './playbook.types';

/** Everything a run needs, fixed at start: editing a playbook never changes a run in flight. */
export interface PlaybookRunInput {
  runId: string;
  tenantId: string;
  playbookId: string;
  versionId: string;
  definition: PlaybookDefinition;
  /** The triggering alert and its case, as they were when the run was queued. */
  event: { alert?: Record<string, unknown>; case?: Record<string, unknown> };
  caseId: string | null;
  /** Actor id of whoever (or whatever) started the run; never counts as an approver. */
  requestedBy: string;
  /** Values given by a manual run or a parent playbook; they win over the definition's templates. */
  inputs?: Record<string, unknown>;
  /**
   * The definition's other inputs, rendered by the dispatcher before the start (renderRunInputs);
   * absent when it could not, and then the run renders them, failing as it always did.
   */
  renderedInputs?: Record<string, unknown>;
  /**
   * The dispatcher records the start itself once Temporal accepted it, so the run's first workflow
   * task need not wait for that write before it schedules the first step. Absent for runs started
   * otherwise (a child, by its parent) and in histories from before: those record their own.
   */
  startRecorded?: boolean;
  /** Integration calls go to the vendors' fakes, Cordon's own actions are only described, approvals pass. */
  dryRun?: boolean;
}

export interface PlaybookRunResult {
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  /** The definition's `outputs`, rendered when the run succeeded. */
  outputs?: Record<string, unknown>;
  error?: StepFailureInfo & { stepId?: string };
  /** Dry runs only: every action the run would have called, in order. */
  calls?: DryRunCall[];
}

export interface DryRunCall {
  stepId: string;
  action: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  error?: StepFailureInfo;
}

export interface StepRecord {
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  output?: unknown;
  decision?: 'approved' | 'rejected';
}

export interface StepFailureInfo {
  message: string;
  vendor?: string;
  status?: number;
  code?: string;
  retryable?: boolean;
}
