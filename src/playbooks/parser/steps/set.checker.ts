import { VAR_PATTERN } from '../vocabulary';
import { isMapping, shown } from '../scope';
import type { StepChecker } from './step-checker';

/** `set`: variables later steps read as `vars.<name>`. */
export const checkSetStep: StepChecker = ({ scope, raw }) => {
  if (!isMapping(raw.set) || Object.keys(raw.set).length === 0) {
    scope.problem(
      ['set'],
      `must be a non-empty mapping of variables, e.g. { verdict: '{{ steps.intel.output.verdict }}' }; got ${shown(raw.set)}`,
    );
    return;
  }
  for (const [name, value] of Object.entries(raw.set)) {
    if (!VAR_PATTERN.test(name))
      scope.problem(
        ['set', name],
        `"${name}" is not a variable name; use letters, digits and _ (not starting with a digit), e.g. ${name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1')}, so templates can read vars.<name>`,
      );
    scope.template(['set', name], value, 'template');
  }
};
