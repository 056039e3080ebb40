import { ID_PATTERN } from '../vocabulary';
import { isMapping, shown } from '../scope';
import { didYouMean, quoteList } from '../suggest';
import { checkRepeat } from './action.checker';
import type { StepChecker } from './step-checker';

/** `playbook`: runs another playbook as a child run and waits for its outputs. */
export const checkChildPlaybookStep: StepChecker = ({ scope, raw }) => {
  const id = raw.playbook;
  if (scope.requiredString(['playbook'], id, 'enrich-host')) {
    const { playbookId, options } = scope.ctx;
    if (!ID_PATTERN.test(id))
      scope.problem(['playbook'], `${shown(id)} is not a playbook id (lower-case letters, digits, - or _)`);
    else if (id === playbookId)
      scope.problem(['playbook'], `a playbook cannot run itself as a child (it would start itself forever)`);
    else if (options.playbooks && !options.playbooks(id))
      scope.problem(
        ['playbook'],
        `unknown playbook ${shown(id)}${didYouMean(id, options.playbookNames)}${options.playbookNames.length ? ` (known: ${quoteList(options.playbookNames)})` : ''}`,
      );
  }
  if (raw.inputs !== undefined && !isMapping(raw.inputs))
    scope.problem(
      ['inputs'],
      `must be a mapping of the child's inputs, e.g. { hostname: '{{ inputs.hostname }}' }; got ${shown(raw.inputs)}`,
    );
  else scope.template(['inputs'], raw.inputs, 'template');
  checkRepeat(scope, raw);
};
