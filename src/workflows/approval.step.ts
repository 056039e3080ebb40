import { allHandlersFinished, condition, uuid4 } from '@temporalio/workflow';
import { durationMs } from './durations';
import type { ApprovalStep } from './playbook.types';
import { StepFailed } from './run-control';
import { projection, type StepHandler } from './run-context';

/**
 * `approval`: opens an approval, waits for the workflow's own gate to reach a quorum (decisions
 * arrive as validated updates), or for the timeout. The decision is the step's output; with
 * `on_reject: fail` a rejection ends the run and compensates what was done.
 */
export const approvalStep: StepHandler = async (run, raw, extra) => {
  const step = raw as ApprovalStep;
  const spec = step.approval;
  const prompt = String(await run.render(step.id, spec.prompt, extra));
  const context = spec.context
    ? await run.render<Record<string, unknown>>(step.id, spec.context, extra)
    : undefined;
  const approvers = spec.approvers ?? { roles: ['responder'] };

  let output: Record<string, unknown>;
  if (run.input.dryRun) {
    // A dry run shows the question and carries on as if it were approved.
    output = {
      decision: 'approved',
      approved_by: [],
      rejected_by: [],
      timed_out: false,
      dry_run: true,
      prompt,
    };
  } else {
    const approvalId = uuid4();
    const timeoutMs = spec.timeout ? durationMs(spec.timeout) : null;
    const expiresAt = timeoutMs === null ? null : new Date(Date.now() + timeoutMs).toISOString();
    const approval = run.gate.add({ approvalId, stepId: step.id, approvers, quorum: spec.quorum ?? 1 });
    await projection.openApproval({
      tenantId: run.tenantId,
      runId: run.runId,
      approvalId,
      stepId: step.id,
      caseId: run.input.caseId,
      prompt,
      approvers,
      quorum: approval.quorum,
      expiresAt,
    });
    run.state = { ...run.state, status: 'WAITING' };
    const decided = () => approval.outcome !== 'PENDING';
    const inTime =
      timeoutMs === null ? (await condition(decided), true) : await condition(decided, timeoutMs);
    // The update handler persists each decision itself; wait for it before moving on.
    await condition(allHandlersFinished);
    run.state = { ...run.state, status: 'RUNNING' };

    let decision: 'approved' | 'rejected';
    if (inTime) decision = approval.outcome === 'APPROVED' ? 'approved' : 'rejected';
    else {
      run.gate.expire(approvalId);
      decision = spec.on_timeout === 'approve' ? 'approved' : 'rejected';
      await projection.closeApproval({ tenantId: run.tenantId, approvalId, status: 'EXPIRED' });
    }
    output = {
      decision,
      approved_by: approval.approvedBy,
      rejected_by: approval.rejectedBy,
      timed_out: !inTime,
      ...(context ? { context } : {}),
    };
  }
  const decision = output.decision as 'approved' | 'rejected';
  run.steps[step.id] = { status: 'SUCCEEDED', output, decision };
  await run.record({ id: step.id, kind: 'approval' }, 'SUCCEEDED', { output });
  if (decision === 'rejected' && spec.on_reject === 'fail') {
    throw new StepFailed(step.id, {
      message: `step "${step.id}": ${output.timed_out ? 'no decision in time' : 'rejected'}`,
      code: 'REJECTED',
    });
  }
  return output;
};
