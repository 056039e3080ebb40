import { allHandlersFinished, condition, patched, proxyActivities, uuid4 } from '@temporalio/workflow';
import type { RunActivities } from './activity-contract';
import type { OpenApproval } from './approval-gate';
import { durationMs } from './durations';
import type { ApprovalStep, ApproverSpec } from './playbook.types';
import { StepFailed } from './run-control';
import { localProjection, projection, type RunContext, type StepHandler } from './run-context';

/**
 * Telling people is best effort: a Slack outage must not hold up or fail the approval, so these
 * give up after a few attempts (the activity itself reports each channel's failure).
 */
const messenger = proxyActivities<RunActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 4 },
});

/**
 * Runs recorded before this change waited for the decision's projection and recorded the step
 * as a regular activity; newer runs move on at once (the update handler's write still lands
 * before the run is reported finished) and record the step locally.
 */
const FAST_PATH = 'approval-decision-fast-path';

/** One set of deciders with its own deadline and channels: the step's own, then each escalation. */
interface Level {
  approvers: ApproverSpec;
  timeoutMs: number | null;
  notify: string[];
}

function levelsOf(spec: ApprovalStep['approval']): Level[] {
  const first: Level = {
    approvers: spec.approvers ?? { roles: ['responder'] },
    timeoutMs: spec.timeout ? durationMs(spec.timeout) : null,
    notify: spec.notify ?? [],
  };
  if (spec.on_timeout !== 'escalate') return [first];
  return [
    first,
    ...(spec.escalate ?? []).map((e) => ({
      approvers: e.approvers,
      timeoutMs: e.timeout ? durationMs(e.timeout) : null,
      // A level that names no channels tells the ones the approval started with.
      notify: e.notify ?? first.notify,
    })),
  ];
}

const deadline = (timeoutMs: number | null) =>
  timeoutMs === null ? null : new Date(Date.now() + timeoutMs).toISOString();

/**
 * `approval`: opens an approval, tells its channels, and waits for the workflow's own gate to
 * reach a quorum (decisions arrive as validated updates). Each timeout either ends it
 * (`on_timeout: reject | approve`) or hands it to the next escalation level with its own
 * deadline and channels; the last level's timeout rejects. The decision is the step's output;
 * with `on_reject: fail` a rejection ends the run and compensates what was done.
 */
export const approvalStep: StepHandler = async (run, raw, extra) => {
  const step = raw as ApprovalStep;
  const spec = step.approval;
  const prompt = String(await run.render(step.id, spec.prompt, extra));
  const context = spec.context
    ? await run.render<Record<string, unknown>>(step.id, spec.context, extra)
    : undefined;

  let output: Record<string, unknown>;
  let fast = false;
  if (run.input.dryRun) {
    // A dry run shows the question and carries on as if it were approved.
    output = {
      decision: 'approved',
      approved_by: [],
      rejected_by: [],
      timed_out: false,
      dry_run: true,
      prompt,
      ...(context ? { context } : {}),
    };
  } else {
    const waited = await waitForDecision(run, step, prompt, context);
    output = waited.output;
    fast = waited.fast;
  }
  const decision = output.decision as 'approved' | 'rejected';
  run.steps[step.id] = { status: 'SUCCEEDED', output, decision };
  if (fast)
    await localProjection.recordStep({
      tenantId: run.tenantId,
      runId: run.runId,
      stepId: step.id,
      kind: 'approval',
      status: 'SUCCEEDED',
      output,
    });
  else await run.record({ id: step.id, kind: 'approval' }, 'SUCCEEDED', { output });
  if (decision === 'rejected' && spec.on_reject === 'fail') {
    throw new StepFailed(step.id, {
      message: `step "${step.id}": ${output.timed_out ? 'no decision in time' : 'rejected'}`,
      code: 'REJECTED',
    });
  }
  return output;
};

async function waitForDecision(
  run: RunContext,
  step: ApprovalStep,
  prompt: string,
  context: Record<string, unknown> | undefined,
): Promise<{ output: Record<string, unknown>; fast: boolean }> {
  const spec = step.approval;
  const levels = levelsOf(spec);
  const approvalId = uuid4();
  const approval = run.gate.add({
    approvalId,
    stepId: step.id,
    approvers: levels[0].approvers,
    quorum: spec.quorum ?? 1,
    rejectQuorum: spec.reject_quorum,
  });
  await projection.openApproval({
    tenantId: run.tenantId,
    runId: run.runId,
    approvalId,
    stepId: step.id,
    caseId: run.input.caseId,
    prompt,
    approvers: levels[0].approvers,
    quorum: approval.quorum,
    expiresAt: deadline(levels[0].timeoutMs),
    rejectQuorum: approval.rejectQuorum,
    onTimeout: spec.on_timeout ?? 'reject',
    onReject: spec.on_reject ?? 'continue',
    escalationLevels: levels.length - 1,
    requestedBy: run.input.requestedBy,
    ...(context ? { context } : {}),
  });
  run.state = { ...run.state, status: 'WAITING' };

  // Notifications go out while the approval already takes decisions.
  const sent: Promise<unknown>[] = [];
  const notify = (level: number) => {
    if (!levels[level].notify.length) return;
    sent.push(
      messenger
        .notifyApproval({ tenantId: run.tenantId, approvalId, level, channels: levels[level].notify })
        .catch(() => undefined),
    );
  };
  notify(0);

  const decided = () => approval.outcome !== 'PENDING';
  let inTime: boolean;
  for (let level = 0; ; level++) {
    const { timeoutMs } = levels[level];
    inTime = timeoutMs === null ? (await condition(decided), true) : await condition(decided, timeoutMs);
    if (inTime || level === levels.length - 1) break;
    run.gate.escalate(approvalId, levels[level + 1].approvers);
    await projection.escalateApproval({
      tenantId: run.tenantId,
      approvalId,
      level: level + 1,
      approvers: levels[level + 1].approvers,
      expiresAt: deadline(levels[level + 1].timeoutMs),
    });
    notify(level + 1);
  }
  // The update handler persists each decision itself. A decision moves the run on at once;
  // runs recorded before FAST_PATH waited for that write first.
  const fast = inTime && patched(FAST_PATH);
  if (!fast) await condition(allHandlersFinished);
  run.state = { ...run.state, status: 'RUNNING' };

  let decision: 'approved' | 'rejected';
  if (inTime) decision = approval.outcome === 'APPROVED' ? 'approved' : 'rejected';
  else {
    run.gate.expire(approvalId);
    // `escalate` ran out of levels: nobody agreed in time, so nothing is done.
    decision = spec.on_timeout === 'approve' ? 'approved' : 'rejected';
    await projection.closeApproval({ tenantId: run.tenantId, approvalId, status: 'EXPIRED', decision });
  }
  if (sent.length) {
    // Messages still showing buttons now say how it ended, naming who decided: that needs the
    // decisions written first.
    await Promise.all(sent);
    if (fast) await condition(allHandlersFinished);
    await messenger.announceApprovalOutcome({ tenantId: run.tenantId, approvalId }).catch(() => undefined);
  }
  return { output: outputOf(approval, decision, inTime, context), fast };
}

function outputOf(
  approval: OpenApproval,
  decision: 'approved' | 'rejected',
  inTime: boolean,
  context: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return {
    decision,
    approved_by: approval.approvedBy,
    rejected_by: approval.rejectedBy,
    timed_out: !inTime,
    ...(approval.level > 0 ? { escalation_level: approval.level } : {}),
    ...(context ? { context } : {}),
  };
}
