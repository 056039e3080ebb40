import type { StepKind } from '../../../workflows/playbook.types';
import { checkActionStep } from './action.checker';
import { checkApprovalStep } from './approval.checker';
import { checkBranchStep, checkFailStep, checkParallelStep, checkSucceedStep } from './flow.checker';
import { checkNotifyStep } from './notify.checker';
import { checkChildPlaybookStep } from './playbook.checker';
import { checkSetStep } from './set.checker';
import type { StepChecker } from './step-checker';
import { checkWaitStep } from './wait.checker';

/** One checker per kind; the Record type makes a new kind in STEP_KINDS fail to compile until it has one. */
export const STEP_CHECKERS: Record<StepKind, StepChecker> = {
  action: checkActionStep,
  approval: checkApprovalStep,
  then: checkBranchStep,
  parallel: checkParallelStep,
  wait: checkWaitStep,
  set: checkSetStep,
  notify: checkNotifyStep,
  playbook: checkChildPlaybookStep,
  succeed: checkSucceedStep,
  fail: checkFailStep,
};
