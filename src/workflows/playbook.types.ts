/**
 * The parsed playbook language, shared by the API (validation, storage) and the workflow
 * interpreter. Types only: this file must stay importable from Temporal's sandbox.
 */
export type RoleName = 'viewer' | 'analyst' | 'responder' | 'admin';

export interface ApproverSpec {
  roles?: RoleName[];
  users?: string[];
}

export interface RetrySpec {
  max_attempts?: number;
  initial_interval?: string;
  backoff?: number;
  non_retryable?: string[];
}

interface StepBase {
  id: string;
  name?: string;
  /** JSONata template; the step runs only when it evaluates truthy. */
  if?: string;
  timeout?: string;
  retry?: RetrySpec;
  on_error?: 'fail' | 'continue' | { goto: string };
}

export interface ActionStep extends StepBase {
  action: string;
  with?: Record<string, unknown>;
  compensate?: { action: string; with?: Record<string, unknown> };
}

export interface ApprovalStep extends StepBase {
  approval: {
    prompt: string;
    approvers?: ApproverSpec;
    quorum?: number;
    timeout?: string;
    on_timeout?: 'reject' | 'approve';
  };
}

export type PlaybookStep = ActionStep | ApprovalStep;

export interface PlaybookTrigger {
  event: 'alert.created' | 'manual';
  /** JSONata over the event; the playbook starts only when it is truthy. */
  when?: string;
}

export interface PlaybookDefinition {
  id: string;
  name: string;
  description?: string;
  trigger: PlaybookTrigger;
  inputs?: Record<string, unknown>;
  steps: PlaybookStep[];
}

export function isActionStep(step: PlaybookStep): step is ActionStep {
  return 'action' in step;
}

export function isApprovalStep(step: PlaybookStep): step is ApprovalStep {
  return 'approval' in step;
}
