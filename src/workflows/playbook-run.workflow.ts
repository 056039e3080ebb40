import type { StepKind } from './playbook.types';
import type { PlaybookRunInput, PlaybookRunResult } from './run-input';
import { executeRun, type StepHandler } from './run-context';
import { actionStep, notifyStep } from './action.step';
import { approvalStep } from './approval.step';
import { callAction } from './call-action';
import { childStep } from './child.step';
import { branchStep, failStep, parallelStep, setStep, succeedStep } from './flow.step';
import { waitStep } from './wait.step';

/** Every step kind of the language and what runs it. */
const HANDLERS: Record<StepKind, StepHandler> = {
  action: actionStep,
  approval: approvalStep,
  then: branchStep,
  parallel: parallelStep,
  wait: waitStep,
  set: setStep,
  notify: notifyStep,
  playbook: childStep,
  succeed: succeedStep,
  fail: failStep,
};

/**
 * One playbook run. The pinned definition arrives as input, so the run never depends on what the
 * playbook says today; everything the interpreter does is deterministic or an activity.
 */
export async function playbookRunWorkflow(input: PlaybookRunInput): Promise<PlaybookRunResult> {
  return executeRun(input, HANDLERS, (run, stepId, action, args) =>
    callAction(run, stepId, action, args, { kind: 'compensate' }),
  );
}
