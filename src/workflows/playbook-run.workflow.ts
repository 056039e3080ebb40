import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { ActionActivities, RunActivities } from './activity-contract';
import { ApprovalGate } from './approval-gate';
import { decideApprovalUpdate, runStateQuery, type RunStateView } from './messages';
import type { ActionStep, ApprovalStep, PlaybookStep } from './playbook.types';
import { isActionStep, isApprovalStep } from './playbook.types';
import type { PlaybookRunInput, StepFailureInfo, StepRecord } from './run-input';
import { evaluateCondition, renderTemplate, TemplateError } from './templates';
import { actionRetryPolicy, durationMs } from './durations';

// Projection writes are small and must eventually land: retry them for a long time.
const projection = proxyActivities<RunActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' }, // unlimited attempts
});

/** Raised for a step that failed for good; carries what the run's record should say. */
class StepFailed extends Error {
  constructor(
    readonly stepId: string,
    readonly info: StepFailureInfo,
  ) {
    super(info.message);
  }
}

export async function playbookRunWorkflow(input: PlaybookRunInput): Promise<{ status: string }> {
  const run = new PlaybookInterpreter(input);
  return run.execute();
}

class PlaybookInterpreter {
  private readonly gate: ApprovalGate;
  private readonly steps: Record<string, StepRecord> = {};
  private readonly vars: Record<string, unknown> = {};
  private inputs: Record<string, unknown> = {};
  private state: RunStateView = { status: 'RUNNING', currentStep: null, pendingApprovalIds: [] };

  constructor(private readonly input: PlaybookRunInput) {
    this.gate = new ApprovalGate(input.requestedBy);
    setHandler(runStateQuery, () => ({ ...this.state, pendingApprovalIds: this.gate.pendingIds() }));
    setHandler(
      decideApprovalUpdate,
      async (args) => {
        const approval = this.gate.apply(args);
        const status = approval.outcome === 'EXPIRED' ? 'REJECTED' : approval.outcome;
        const result = { approvalId: args.approvalId, status } as const;
        await projection.recordApprovalDecision({ tenantId: this.input.tenantId, decision: args, result });
        return result;
      },
      { validator: (args) => this.gate.validate(args) },
    );
  }

  async execute(): Promise<{ status: string }> {
    const { tenantId, runId } = this.input;
    await projection.markRunStarted({ tenantId, runId, temporalRunId: workflowInfo().runId });
    try {
      this.inputs = await this.renderInputs();
      for (const step of this.input.definition.steps) {
        await this.runStep(step);
      }
      await this.finish('SUCCEEDED');
      return { status: 'SUCCEEDED' };
    } catch (err) {
      if (isCancellation(err)) {
        await CancellationScope.nonCancellable(() => this.finish('CANCELLED'));
        throw err;
      }
      const failure =
        err instanceof StepFailed ? { ...err.info, stepId: err.stepId } : { message: String(err) };
      await this.finish('FAILED', failure);
      return { status: 'FAILED' };
    }
  }

  private async finish(
    status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED',
    error?: StepFailureInfo & { stepId?: string },
  ) {
    this.state = { ...this.state, status, currentStep: null };
    // A decision being persisted must land before the run is reported finished.
    await condition(allHandlersFinished);
    await projection.finishRun({ tenantId: this.input.tenantId, runId: this.input.runId, status, error });
  }

  private scope(): Record<string, unknown> {
    return {
      alert: this.input.event.alert,
      case: this.input.event.case,
      inputs: this.inputs,
      steps: this.steps,
      vars: this.vars,
    };
  }

  private async renderInputs(): Promise<Record<string, unknown>> {
    const spec = this.input.definition.inputs ?? {};
    // Inputs read the triggering event directly, as the trigger's `when` does.
    const eventScope = { ...(this.input.event.alert ?? {}), ...this.scope() };
    try {
      return (await renderTemplate(spec, eventScope)) as Record<string, unknown>;
    } catch (err) {
      throw this.templateFailure('inputs', err);
    }
  }

  private templateFailure(stepId: string, err: unknown): StepFailed {
    const message = err instanceof TemplateError ? err.message : String(err);
    return new StepFailed(stepId, { message: `step "${stepId}": ${message}`, code: 'TEMPLATE_ERROR' });
  }

  private async runStep(step: PlaybookStep): Promise<void> {
    const { tenantId, runId } = this.input;
    this.state = { ...this.state, currentStep: step.id };
    let enabled = true;
    try {
      if (step.if !== undefined) enabled = await evaluateCondition(step.if, this.scope());
    } catch (err) {
      throw this.templateFailure(step.id, err);
    }
    if (!enabled) {
      this.steps[step.id] = { status: 'SKIPPED' };
      await projection.recordStep({
        tenantId,
        runId,
        stepId: step.id,
        kind: kindOf(step),
        status: 'SKIPPED',
      });
      return;
    }
    if (isApprovalStep(step)) return this.runApproval(step);
    if (isActionStep(step)) return this.runAction(step);
    throw new StepFailed((step as PlaybookStep).id, {
      message: 'unknown step kind',
      code: 'INVALID_PLAYBOOK',
    });
  }

  private async runAction(step: ActionStep): Promise<void> {
    const { tenantId, runId, caseId } = this.input;
    let rendered: Record<string, unknown>;
    try {
      rendered = ((await renderTemplate(step.with ?? {}, this.scope())) ?? {}) as Record<string, unknown>;
    } catch (err) {
      throw this.templateFailure(step.id, err);
    }
    const actions = proxyActivities<ActionActivities>({
      startToCloseTimeout: step.timeout ?? '2m',
      heartbeatTimeout: '1m',
      retry: actionRetryPolicy(step.retry),
    });
    try {
      const output = await actions.runAction({
        tenantId,
        runId,
        stepId: step.id,
        caseId,
        action: step.action,
        input: rendered,
        // Stable for this step of this run, whatever the attempt: a retry is recognised.
        idempotencyKey: `${workflowInfo().workflowId}/${step.id}`,
      });
      this.steps[step.id] = { status: 'SUCCEEDED', output };
    } catch (err) {
      if (isCancellation(err)) throw err;
      const info = failureInfo(err);
      this.steps[step.id] = { status: 'FAILED', output: { error: info } };
      await projection.recordStep({
        tenantId,
        runId,
        stepId: step.id,
        kind: 'action',
        status: 'FAILED',
        error: info,
      });
      if (step.on_error === 'continue') return;
      throw new StepFailed(step.id, info);
    }
  }

  private async runApproval(step: ApprovalStep): Promise<void> {
    const { tenantId, runId, caseId } = this.input;
    const spec = step.approval;
    let prompt: string;
    try {
      prompt = String(await renderTemplate(spec.prompt, this.scope()));
    } catch (err) {
      throw this.templateFailure(step.id, err);
    }
    const approvalId = uuid4();
    const timeoutMs = spec.timeout ? durationMs(spec.timeout) : null;
    const expiresAt = timeoutMs === null ? null : new Date(Date.now() + timeoutMs).toISOString();
    const approvers = spec.approvers ?? { roles: ['responder'] };
    const approval = this.gate.add({ approvalId, stepId: step.id, approvers, quorum: spec.quorum ?? 1 });
    await projection.openApproval({
      tenantId,
      runId,
      approvalId,
      stepId: step.id,
      caseId,
      prompt,
      approvers,
      quorum: approval.quorum,
      expiresAt,
    });
    this.state = { ...this.state, status: 'WAITING' };

    const decided = () => approval.outcome !== 'PENDING';
    const inTime =
      timeoutMs === null ? (await condition(decided), true) : await condition(decided, timeoutMs);
    // The update handler persists each decision itself; wait for it before moving on.
    await condition(allHandlersFinished);
    this.state = { ...this.state, status: 'RUNNING' };

    let decision: 'approved' | 'rejected';
    if (inTime) {
      decision = approval.outcome === 'APPROVED' ? 'approved' : 'rejected';
    } else {
      this.gate.expire(approvalId);
      decision = spec.on_timeout === 'approve' ? 'approved' : 'rejected';
      await projection.closeApproval({ tenantId, approvalId, status: 'EXPIRED' });
    }
    const output = {
      decision,
      approved_by: approval.approvedBy,
      rejected_by: approval.rejectedBy,
      timed_out: !inTime,
    };
    this.steps[step.id] = { status: 'SUCCEEDED', output, decision };
    await projection.recordStep({
      tenantId,
      runId,
      stepId: step.id,
      kind: 'approval',
      status: 'SUCCEEDED',
      output,
    });
  }
}

function kindOf(step: PlaybookStep): string {
  return isApprovalStep(step) ? 'approval' : 'action';
}

/** Turns an activity failure into what an analyst should read: the vendor's words, not our stack. */
function failureInfo(err: unknown): StepFailureInfo {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    const cause = err.cause;
    const details = (cause.details?.[0] ?? {}) as Partial<StepFailureInfo>;
    return {
      message: details.message ?? cause.message,
      vendor: details.vendor,
      status: details.status,
      code: details.code ?? cause.type ?? undefined,
      retryable: !cause.nonRetryable,
    };
  }
  if (err instanceof ActivityFailure) return { message: err.cause?.message ?? err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}
