import { executeChild, workflowInfo } from '@temporalio/workflow';
import { durationMs } from './durations';
import type { ChildPlaybookStep } from './playbook.types';
import type { PlaybookRunInput, PlaybookRunResult } from './run-input';
import { StepFailed } from './run-control';
import { projection, type RunContext, type StepHandler } from './run-context';
import { forEachItem } from './action.step';

type Scope = Record<string, unknown>;

/** `playbook`: a child run with its own record, inputs from the parent, its outputs as this step's. */
export const childStep: StepHandler = async (run, raw, extra) => {
  const step = raw as ChildPlaybookStep;
  if (step.foreach === undefined) {
    const outputs = await runChild(run, step, step.id, extra);
    await run.record({ id: step.id, kind: 'playbook' }, 'SUCCEEDED', { output: outputs });
    return outputs;
  }
  return forEachItem(run, step, extra, (stepId, scope) => runChild(run, step, stepId, scope), 'playbook');
};

async function runChild(
  run: RunContext,
  step: ChildPlaybookStep,
  stepId: string,
  scope: Scope,
): Promise<Record<string, unknown>> {
  const inputs = (await run.render<Scope>(step.id, step.inputs ?? {}, scope)) ?? {};
  const child = await projection.prepareChildRun({
    tenantId: run.tenantId,
    parentRunId: run.runId,
    parentWorkflowId: workflowInfo().workflowId,
    stepId,
    playbookId: step.playbook,
    caseId: run.input.caseId,
    requestedBy: run.input.requestedBy,
  });
  const input: PlaybookRunInput = {
    runId: child.runId,
    tenantId: run.tenantId,
    playbookId: step.playbook,
    versionId: child.versionId,
    definition: child.definition,
    event: run.input.event,
    caseId: run.input.caseId,
    // The parent's requester may not approve the child's steps either.
    requestedBy: run.input.requestedBy,
    inputs,
    dryRun: run.input.dryRun,
  };
  // By name: the workflow module imports this file, so it cannot be imported back.
  const result = await executeChild<(i: PlaybookRunInput) => Promise<PlaybookRunResult>>(
    'playbookRunWorkflow',
    {
      workflowId: child.workflowId,
      args: [input],
      ...(step.timeout ? { workflowExecutionTimeout: durationMs(step.timeout) } : {}),
    },
  );
  if (result.calls) run.calls.push(...result.calls);
  if (result.status !== 'SUCCEEDED') {
    throw new StepFailed(stepId, {
      message: `child playbook "${step.playbook}" ${result.status.toLowerCase()}: ${result.error?.message ?? 'no reason given'}`,
      code: result.error?.code ?? 'CHILD_FAILED',
    });
  }
  return result.outputs ?? {};
}
