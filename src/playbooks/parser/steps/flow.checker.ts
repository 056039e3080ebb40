import { NESTED_KEYS } from '../vocabulary';
import { isMapping, shown, type Scope } from '../scope';
import type { StepChecker } from './step-checker';

/** `if` + `then` (+ `else`): a branch; its `if` picks the list. */
export const checkBranchStep: StepChecker = ({ scope, raw, nested }) => {
  if (raw.if === undefined)
    scope.problem(
      ['then'],
      `an if/then branch needs an if condition, e.g. if: '{{ steps.intel.output.verdict = "malicious" }}'`,
    );
  nested('then', raw.then);
  if (raw.else !== undefined) nested('else', raw.else);
};

/** `parallel`: branches that run at once, each one step (which may itself be a branch or a list). */
export const checkParallelStep: StepChecker = ({ raw, nested }) => {
  nested('parallel', raw.parallel);
};

/** `succeed`: ends the run successfully, optionally saying why. */
export const checkSucceedStep: StepChecker = ({ scope, raw }) => {
  checkMessage(scope, 'succeed', raw.succeed, false);
};

/** `fail`: ends the run as failed; the message is what the analyst reads, so it is required. */
export const checkFailStep: StepChecker = ({ scope, raw }) => {
  checkMessage(scope, 'fail', raw.fail, true);
};

function checkMessage(scope: Scope, key: 'succeed' | 'fail', value: unknown, required: boolean): void {
  const example = `${key}: 'Host {{ steps.host.output.hostname }} is not ours'`;
  if (value === null || value === undefined) {
    if (required) scope.problem([key], `needs a message saying why the run fails, e.g. ${example}`);
    return;
  }
  if (typeof value === 'string') {
    if (required && !value.trim())
      scope.problem([key], `needs a message saying why the run fails, e.g. ${example}`);
    else scope.template([key], value, 'template');
    return;
  }
  if (!isMapping(value)) {
    scope.problem(
      [key],
      `must be a message (a string) or { message: … }, e.g. ${example}; got ${shown(value)}`,
    );
    return;
  }
  scope.knownKeys([key], value, NESTED_KEYS.message);
  if (required || value.message !== undefined) {
    if (scope.requiredString([key, 'message'], value.message, `'Host is not ours'`))
      scope.template([key, 'message'], value.message, 'template');
  }
}
