import { NESTED_KEYS } from '../vocabulary';
import type { StepChecker } from './step-checker';

/** `notify`: a message to people, through `notify.send` or the named channel action. */
export const checkNotifyStep: StepChecker = ({ scope, raw }) => {
  const n = scope.mapping(
    ['notify'],
    raw.notify,
    NESTED_KEYS.notify,
    `{ text: 'Case {{ case.number }} contained' }`,
  );
  if (!n) return;
  if (scope.requiredString(['notify', 'text'], n.text, `'Case {{ case.number }} contained'`))
    scope.template(['notify', 'text'], n.text, 'template');
  for (const key of ['to', 'subject', 'link'] as const) {
    scope.optionalString(['notify', key], n[key]);
    scope.template(['notify', key], n[key], 'template');
  }
  if (n.via !== undefined) scope.action(['notify', 'via'], n.via);
};
