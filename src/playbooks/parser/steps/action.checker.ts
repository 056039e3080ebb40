import { MAX_CONCURRENCY } from '../vocabulary';
import { isMapping, shown, type Mapping, type Scope } from '../scope';
import type { StepChecker } from './step-checker';

/** `action`: one call to a capability, built-in or vendor action, or one per item with `foreach`. */
export const checkActionStep: StepChecker = ({ scope, raw }) => {
  scope.action(['action'], raw.action);
  if (raw.with !== undefined && !isMapping(raw.with))
    scope.problem(
      ['with'],
      `must be a mapping of the action's inputs, e.g. { host_id: '{{ steps.host.output.host_id }}' }; got ${shown(raw.with)}`,
    );
  else scope.template(['with'], raw.with, 'template');
  checkRepeat(scope, raw);
};

/** `foreach` (a list expression) and its `concurrency` bound, on action and playbook steps. */
export function checkRepeat(scope: Scope, raw: Mapping): void {
  scope.expression(['foreach'], raw.foreach, `'{{ alert.observables[type = "IP"] }}'`);
  if (raw.concurrency === undefined) return;
  if (raw.foreach === undefined) {
    scope.problem(
      ['concurrency'],
      'only applies with foreach (how many items run at once); add foreach or remove concurrency',
    );
    return;
  }
  scope.wholeNumber(['concurrency'], raw.concurrency, 1, MAX_CONCURRENCY);
}
