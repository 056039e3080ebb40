import {
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import type { RunActivities } from './activity-contract';
import { ApprovalGate } from './approval-gate';
import {
  decideApprovalUpdate,
  runEventSignal,
  runStateQuery,
  type RunEvent,
  type RunStateView,
} from './messages';
import type { CompensateSpec, PlaybookStep, StepKind } from './playbook.types';
import { kindLabel, stepKind } from './playbook.types';
import type {
  DryRunCall,
  PlaybookRunInput,
  PlaybookRunResult,
  StepFailureInfo,
  StepRecord,
} from './run-input';
import { evaluateCondition, renderTemplate } from './templates';
import { renderRunInputs, runScope } from './run-inputs';
import { RunEnded, StepFailed, failureInfo, templateFailure } from './run-control';

// Projection writes are small and must eventually land: retry them for a long time.
export const projection = proxyActivities<RunActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' }, // unlimited attempts
});

/**
 * The same writes as local activities: each is one short, idempotent upsert in Cordon's own
 * database, so it runs in the worker that holds the workflow task and costs the Temporal server
 * no activity task, no extra workflow task and no round trip. Retried without limit, like above.
 */
export const localProjection = proxyLocalActivities<RunActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
});

/** Runs begun before this change wrote their start, steps and end as regular activities. */
const LOCAL_WRITES = 'projection-writes-local';
/** Runs begun before this change recorded their end in an activity of its own. */
const FINISH_WITH_LAST_STEP = 'finish-with-last-step';

type Scope = Record<string, unknown>;
/** A step kind's behaviour: run it and return its output (or throw StepFailed / RunEnded). */
export type StepHandler = (run: RunContext, step: PlaybookStep, extra: Scope) => Promise<unknown>;

interface Compensation {
  stepId: string;
  spec: CompensateSpec;
  /** The scope the step ran in (its `item` for a foreach), so the undo addresses the same target. */
  extra: Scope;
}

/**
 * The state of one run as the steps see it. Step kinds live in their own files and reach the
 * run only through this: scope, records, compensation and the approval gate.
 */
export class RunContext {
  readonly gate: ApprovalGate;
  readonly steps: Record<string, StepRecord> = {};
  readonly vars: Record<string, unknown> = {};
  readonly events: RunEvent[] = [];
  /** Events before this index were consumed by an earlier wait. */
  eventCursor = 0;
  /** The start's projection write, when it runs alongside the first steps. */
  started: Promise<void> | undefined;
  readonly calls: DryRunCall[] = [];
  inputs: Record<string, unknown> = {};
  state: RunStateView = { status: 'RUNNING', currentStep: null, pendingApprovalIds: [] };
  /** Where the run's own records go: `localProjection`, or `projection` when replaying older runs. */
  writes: typeof projection = projection;
  /** The last step's own activity recorded the run as SUCCEEDED (see `endsRunAt`). */
  finishedByStep = false;
  private readonly compensations: Compensation[] = [];

  constructor(
    readonly input: PlaybookRunInput,
    private readonly handlers: Record<StepKind, StepHandler>,
  ) {
    this.gate = new ApprovalGate(input.requestedBy);
  }

  get tenantId(): string {
    return this.input.tenantId;
  }

  get runId(): string {
    return this.input.runId;
  }

  scope(extra: Scope = {}): Scope {
    return runScope(this.input.event, this, extra);
  }

  async render<T>(stepId: string, value: unknown, extra: Scope = {}): Promise<T> {
    try {
      return (await renderTemplate(value, this.scope(extra))) as T;
    } catch (err) {
      throw templateFailure(stepId, err);
    }
  }

  /** Stable for this step of this run, whatever the attempt: a retry is recognised. */
  idempotencyKey(stepId: string): string {
    return `${workflowInfo().workflowId}/${stepId}`;
  }

  async record(
    step: { id: string; kind: string; action?: string },
    status: StepRecord['status'] | 'RUNNING' | 'WAITING',
    details: { output?: unknown; error?: StepFailureInfo; input?: unknown } = {},
  ): Promise<void> {
    await this.writes.recordStep({
      tenantId: this.tenantId,
      runId: this.runId,
      stepId: step.id,
      kind: step.kind,
      action: step.action,
      status,
      ...details,
    });
  }

  /**
   * Whether the action called under `stepId` may record the run's success itself: the playbook's
   * last top-level step, with no outputs to render after it, no approval pending and no handler
   * still writing. One local activity less per run (a workflow activation and a transaction;
   * the history is no shorter, as the patch's first use adds its own marker); if the step
   * fails, the run ends as before.
   */
  endsRunAt(stepId: string): boolean {
    const steps = this.input.definition.steps;
    return (
      steps[steps.length - 1]?.id === stepId &&
      this.input.definition.outputs === undefined &&
      this.writes === localProjection &&
      this.gate.pendingIds().length === 0 &&
      allHandlersFinished() &&
      patched(FINISH_WITH_LAST_STEP)
    );
  }

  /** Runs a list of steps in order, following `goto`s (always forward: the validator sees to it). */
  async runList(list: PlaybookStep[], extra: Scope = {}): Promise<void> {
    for (let i = 0; i < list.length; i++) {
      const step = list[i];
      try {
        await this.runStep(step, extra);
      } catch (err) {
        if (isCancellation(err) || err instanceof RunEnded) throw err;
        const failed = err instanceof StepFailed ? err : new StepFailed(step.id, failureInfo(err));
        const onError = step.on_error ?? 'fail';
        if (onError === 'continue') continue;
        if (typeof onError === 'object') {
          const target = list.findIndex((s) => s.id === onError.goto);
          if (target > i) {
            i = target - 1;
            continue;
          }
        }
        throw failed;
      }
    }
  }

  async runStep(step: PlaybookStep, extra: Scope = {}): Promise<void> {
    const kind = stepKind(step);
    this.state = { ...this.state, currentStep: step.id };
    // A branch's `if` picks then/else; on every other kind it decides whether the step runs.
    if (step.if !== undefined && kind !== 'then') {
      let enabled: boolean;
      try {
        enabled = await evaluateCondition(step.if, this.scope(extra));
      } catch (err) {
        throw templateFailure(step.id, err);
      }
      if (!enabled) {
        this.steps[step.id] = { status: 'SKIPPED' };
        await this.record({ id: step.id, kind: kindLabel(kind) }, 'SKIPPED');
        return;
      }
    }
    try {
      const output = await this.handlers[kind](this, step, extra);
      if (this.steps[step.id]?.status !== 'SUCCEEDED') this.steps[step.id] = { status: 'SUCCEEDED', output };
      // A foreach step registered one undo per item already.
      const repeated = 'foreach' in step && step.foreach !== undefined;
      // The undo sees the step's own `output` (a moved message's new id, say).
      if (step.compensate && !repeated)
        this.compensations.push({ stepId: step.id, spec: step.compensate, extra: { ...extra, output } });
    } catch (err) {
      if (isCancellation(err) || err instanceof RunEnded) throw err;
      const info = failureInfo(err);
      // A foreach keeps its per-item outputs, so later steps can work with the items that succeeded.
      const partial = this.steps[step.id];
      this.steps[step.id] = {
        status: 'FAILED',
        output: partial?.status === 'FAILED' ? partial.output : { error: info },
      };
      await this.record({ id: step.id, kind: kindLabel(kind) }, 'FAILED', { error: info });
      throw err instanceof StepFailed ? err : new StepFailed(step.id, info);
    }
  }

  /** Registers the undo of one foreach item (the step as a whole registers through runStep). */
  pushCompensation(stepId: string, spec: CompensateSpec, extra: Scope): void {
    this.compensations.push({ stepId, spec, extra });
  }

  /** Undoes completed steps that declared `compensate`, newest first; each undo is a step of its own. */
  async compensate(runAction: (stepId: string, action: string, input: Scope) => Promise<unknown>) {
    while (this.compensations.length) {
      const c = this.compensations.pop() as Compensation;
      const id = `${c.stepId}.compensate`;
      try {
        const input = await this.render<Scope>(id, c.spec.with ?? {}, c.extra);
        await runAction(id, c.spec.action, input ?? {});
        this.steps[id] = { status: 'SUCCEEDED' };
      } catch (err) {
        // Best effort: one undo failing must not stop the others.
        await this.record({ id, kind: 'compensate', action: c.spec.action }, 'FAILED', {
          error: failureInfo(err),
        });
      }
    }
  }
}

/** The run from start to finish: inputs, steps, compensation on failure or cancellation, the record. */
export async function executeRun(
  input: PlaybookRunInput,
  handlers: Record<StepKind, StepHandler>,
  runAction: (run: RunContext, stepId: string, action: string, input: Scope) => Promise<unknown>,
): Promise<PlaybookRunResult> {
  const run = new RunContext(input, handlers);
  setHandler(runStateQuery, () => ({ ...run.state, pendingApprovalIds: run.gate.pendingIds() }));
  setHandler(runEventSignal, (event) => void run.events.push(event));
  setHandler(
    decideApprovalUpdate,
    async (args) => {
      const approval = run.gate.apply(args);
      const status = approval.outcome === 'EXPIRED' ? 'REJECTED' : approval.outcome;
      const result = { approvalId: args.approvalId, status } as const;
      // A regular activity, even in runs that write locally: a local activity inside an update
      // handler replays out of order with the approved step's activity (TMPRL1100, found by
      // test/faults/process-faults when a restarted worker replayed such a run).
      await projection.recordApprovalDecision({ tenantId: input.tenantId, decision: args, result });
      return result;
    },
    { validator: (args) => run.gate.validate(args) },
  );
  const undo = (stepId: string, action: string, args: Scope) => runAction(run, stepId, action, args);

  if (patched(LOCAL_WRITES)) run.writes = localProjection;
  const markStarted = () =>
    run.writes.markRunStarted({
      tenantId: input.tenantId,
      runId: input.runId,
      temporalRunId: workflowInfo().runId,
    });
  // Recording the start need not hold up the first step (one Temporal round trip less before
  // containment); runs begun before this change replay the old order. A run the dispatcher
  // started was recorded by it: a local activity would hold the first workflow task open.
  if (input.startRecorded !== true) {
    if (patched('run-start-alongside-first-step')) run.started = markStarted().catch(() => undefined);
    else await markStarted();
  }
  try {
    run.inputs = await renderInputs(run);
    await run.runList(input.definition.steps);
    return await finish(run, 'SUCCEEDED');
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        // Nobody may decide what no longer matters; then undo what was done.
        for (const approvalId of run.gate.pendingIds()) {
          run.gate.expire(approvalId);
          await projection.closeApproval({ tenantId: input.tenantId, approvalId, status: 'CANCELLED' });
        }
        await run.compensate(undo);
        await finish(run, 'CANCELLED');
      });
      throw err;
    }
    if (err instanceof RunEnded && err.status === 'SUCCEEDED') return finish(run, 'SUCCEEDED');
    const failure =
      err instanceof RunEnded
        ? { message: err.message, code: 'FAILED_BY_PLAYBOOK', stepId: err.stepId }
        : err instanceof StepFailed
          ? { ...err.info, stepId: err.stepId }
          : { message: String(err) };
    await run.compensate(undo);
    return finish(run, 'FAILED', failure);
  }
}

async function renderInputs(run: RunContext): Promise<Record<string, unknown>> {
  try {
    // Rendered by the dispatcher when it could; the same function gives the same values here.
    const rendered = run.input.renderedInputs ?? (await renderRunInputs(run.input));
    return { ...rendered, ...(run.input.inputs ?? {}) };
  } catch (err) {
    throw templateFailure('inputs', err);
  }
}

async function finish(
  run: RunContext,
  status: PlaybookRunResult['status'],
  error?: StepFailureInfo & { stepId?: string },
): Promise<PlaybookRunResult> {
  run.state = { ...run.state, status, currentStep: null };
  let outputs: Record<string, unknown> | undefined;
  if (status === 'SUCCEEDED' && run.input.definition.outputs) {
    try {
      outputs = await run.render<Record<string, unknown>>('outputs', run.input.definition.outputs);
    } catch (err) {
      return finish(run, 'FAILED', { ...failureInfo(err), stepId: 'outputs' });
    }
  }
  // A decision being persisted, and the start itself, must land before the run is reported finished.
  await condition(allHandlersFinished);
  await run.started;
  if (!(status === 'SUCCEEDED' && run.finishedByStep))
    await run.writes.finishRun({
      tenantId: run.tenantId,
      runId: run.runId,
      status,
      error,
      temporalRunId: workflowInfo().runId,
    });
  return {
    status,
    ...(outputs ? { outputs } : {}),
    ...(error ? { error } : {}),
    ...(run.input.dryRun ? { calls: run.calls } : {}),
  };
}
