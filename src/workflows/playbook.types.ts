/**
 * The parsed playbook language, shared by the API (validation, storage) and the workflow
 * interpreter. Types only: this file must stay importable from Temporal's sandbox.
 */
export type RoleName = 'viewer' | 'analyst' | 'responder' | 'admin';

export interface ApproverSpec {
  roles?: RoleName[];
  /** Named people: API key actors (`apikey:<id>`) or user ids. */
  users?: string[];
}

export interface RetrySpec {
  max_attempts?: number;
  initial_interval?: string;
  backoff?: number;
  /** Error codes (VendorError.code, or TEMPLATE_ERROR…) that must not be retried. */
  non_retryable?: string[];
}

/** Undoes a completed step; run in reverse order when the run fails, is cancelled or rejected. */
export interface CompensateSpec {
  action: string;
  with?: Record<string, unknown>;
}

export type OnError = 'fail' | 'continue' | { goto: string };

interface StepBase {
  id: string;
  name?: string;
  /** JSONata template; the step runs only when it evaluates truthy (a branch step picks then/else). */
  if?: string;
  timeout?: string;
  retry?: RetrySpec;
  on_error?: OnError;
  compensate?: CompensateSpec;
}

/** Runs the step once per item (`item` in templates), at most `concurrency` at a time. */
interface Repeatable {
  foreach?: string;
  concurrency?: number;
}

export interface ActionStep extends StepBase, Repeatable {
  action: string;
  with?: Record<string, unknown>;
}

export interface EscalationSpec {
  approvers: ApproverSpec;
  timeout?: string;
  notify?: string[];
}

export interface ApprovalStep extends StepBase {
  approval: {
    prompt: string;
    approvers?: ApproverSpec;
    quorum?: number;
    /** Rejections that end the approval at once; 1 by default. */
    reject_quorum?: number;
    timeout?: string;
    on_timeout?: 'reject' | 'approve' | 'escalate';
    /** Levels tried in order when `on_timeout: escalate`; the last level's timeout rejects. */
    escalate?: EscalationSpec[];
    /** Channels told when the approval opens (integration ids or `notify.send`). */
    notify?: string[];
    /** What the decider sees besides the prompt: the target and what each outcome does. */
    context?: Record<string, unknown>;
    /** `fail` ends the run (and compensates) on rejection; `continue` (default) lets later steps test the decision. */
    on_reject?: 'continue' | 'fail';
  };
}

export interface BranchStep extends StepBase {
  if: string;
  then: PlaybookStep[];
  else?: PlaybookStep[];
}

export interface ParallelStep extends StepBase {
  /** Branches run at once; the step finishes when all have (and fails if one fails). */
  parallel: PlaybookStep[];
}

export interface WaitStep extends StepBase {
  wait: {
    /** A fixed pause, e.g. 24h (a durable timer). */
    duration?: string;
    /** Or until an event about the run's case or alert arrives. */
    event?: 'case.updated' | 'alert.created';
    /** JSONata over the event; the wait ends on the first event for which it is truthy. */
    when?: string;
    /** Give up waiting for the event after this long (the step's output says timed_out). */
    timeout?: string;
  };
}

export interface SetStep extends StepBase {
  /** Variables, readable as `vars.<name>` by later steps. */
  set: Record<string, unknown>;
}

export interface NotifyStep extends StepBase {
  notify: {
    to?: string;
    subject?: string;
    text: string;
    link?: string;
    /** The capability or vendor action that delivers it; `notify.send` by default. */
    via?: string;
  };
}

export interface ChildPlaybookStep extends StepBase, Repeatable {
  playbook: string;
  inputs?: Record<string, unknown>;
}

export interface SucceedStep extends StepBase {
  succeed: { message?: string } | string | null;
}

export interface FailStep extends StepBase {
  fail: { message?: string } | string;
}

export type PlaybookStep =
  | ActionStep
  | ApprovalStep
  | BranchStep
  | ParallelStep
  | WaitStep
  | SetStep
  | NotifyStep
  | ChildPlaybookStep
  | SucceedStep
  | FailStep;

export const STEP_KINDS = [
  'action',
  'approval',
  'then',
  'parallel',
  'wait',
  'set',
  'notify',
  'playbook',
  'succeed',
  'fail',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const TRIGGER_EVENTS = ['alert.created', 'case.created', 'case.updated', 'manual'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export interface PlaybookTrigger {
  event: TriggerEvent;
  /** JSONata over the event; the playbook starts only when it is truthy. */
  when?: string;
}

export interface PlaybookDefinition {
  id: string;
  name: string;
  description?: string;
  trigger: PlaybookTrigger;
  /** Name → template; a manual run or a parent playbook may pass values that win over these. */
  inputs?: Record<string, unknown>;
  steps: PlaybookStep[];
  /** Templates evaluated when the run succeeds: what a parent playbook sees as the step's output. */
  outputs?: Record<string, unknown>;
}

/** The kind of a step: the one kind key it carries (`then` marks an if/else branch). */
export function stepKind(step: PlaybookStep): StepKind {
  for (const kind of STEP_KINDS) if (kind in step) return kind;
  throw new Error(`step "${(step as { id?: string }).id ?? '?'}" has no kind`);
}

/** The display name of a kind (the branch is `if`). */
export function kindLabel(kind: StepKind): string {
  return kind === 'then' ? 'if' : kind;
}

export function isActionStep(step: PlaybookStep): step is ActionStep {
  return 'action' in step;
}

export function isApprovalStep(step: PlaybookStep): step is ApprovalStep {
  return 'approval' in step;
}

/** Each step's nested step lists, so walkers need not know every kind. */
export function childLists(step: PlaybookStep): PlaybookStep[][] {
  if ('then' in step) return [step.then, step.else ?? []];
  if ('parallel' in step) return [step.parallel];
  return [];
}

/** Whether any step, at any depth, waits for an event: only such a run reads what it is signalled. */
export function waitsForEvents(steps: PlaybookStep[]): boolean {
  return steps.some((step) => ('wait' in step && !!step.wait.event) || childLists(step).some(waitsForEvents));
}

/** Actions on Cordon itself, callable from any playbook (src/activities implements them). */
export const BUILTIN_ACTIONS = {
  'case.set_status': 'Move the run’s case through its lifecycle: { status, resolution?, comment? }',
  'case.add_comment': 'Add a Markdown comment to the case timeline: { text }',
  'case.add_observable': 'Attach an observable to the case: { type, value }',
  'case.assign': 'Assign the case: { assignee }',
  'case.add_tags': 'Tag the case: { tags: [..] }',
  'alert.set_status': 'Set the triggering alert’s status: { status, alert_id? }',
} as const;
