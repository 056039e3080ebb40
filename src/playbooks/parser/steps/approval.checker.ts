import { ROLES } from '../../../auth/roles';
import { NESTED_KEYS, ON_REJECT, ON_TIMEOUT } from '../vocabulary';
import { isMapping, shown, type Mapping, type Scope } from '../scope';
import { didYouMean } from '../suggest';
import type { YamlPath } from '../yaml-source';
import type { StepChecker } from './step-checker';

const ESCALATE_EXAMPLE = 'escalate: [{ approvers: { roles: [admin] }, timeout: 30m }]';

/** `approval`: who decides, how many must agree, until when, and what happens when nobody does. */
export const checkApprovalStep: StepChecker = ({ scope, raw }) => {
  const a = scope.mapping(
    ['approval'],
    raw.approval,
    NESTED_KEYS.approval,
    `{ prompt: 'Isolate {{ steps.host.output.hostname }}?', approvers: { roles: [responder] } }`,
  );
  if (!a) return;
  const at = (...rest: YamlPath) => ['approval', ...rest];
  if (scope.requiredString(at('prompt'), a.prompt, `'Isolate {{ steps.host.output.hostname }}?'`))
    scope.template(at('prompt'), a.prompt, 'template');
  const approvers = checkApprovers(scope, at('approvers'), a.approvers, false);
  if (scope.wholeNumber(at('quorum'), a.quorum, 1) && approvers) {
    const users = Array.isArray(approvers.users) ? approvers.users.length : 0;
    if (approvers.roles === undefined && users > 0 && a.quorum > users)
      scope.problem(
        at('quorum'),
        `is ${a.quorum} but only ${users} named user(s) may decide, so the approval could never pass; lower quorum or add approvers.roles`,
      );
  }
  scope.wholeNumber(at('reject_quorum'), a.reject_quorum, 1);
  scope.duration(at('timeout'), a.timeout);
  scope.choice(at('on_timeout'), a.on_timeout, ON_TIMEOUT);
  checkEscalation(scope, a);
  scope.channels(at('notify'), a.notify);
  if (a.context !== undefined && !isMapping(a.context))
    scope.problem(
      at('context'),
      `must be a mapping of what the decider sees, e.g. { host: '{{ steps.host.output.hostname }}' }; got ${shown(a.context)}`,
    );
  else scope.template(at('context'), a.context, 'template');
  scope.choice(at('on_reject'), a.on_reject, ON_REJECT);
};

function checkEscalation(scope: Scope, a: Mapping): void {
  const escalating = a.on_timeout === 'escalate';
  if (!escalating) {
    if (a.escalate !== undefined)
      scope.problem(
        ['approval', 'escalate'],
        'is only used with on_timeout: escalate; set that or remove escalate',
      );
    return;
  }
  if (a.escalate === undefined || (Array.isArray(a.escalate) && a.escalate.length === 0)) {
    scope.problem(
      ['approval', 'on_timeout'],
      `escalate needs a non-empty escalate list of levels, e.g. ${ESCALATE_EXAMPLE}`,
    );
    return;
  }
  if (!Array.isArray(a.escalate)) {
    scope.problem(
      ['approval', 'escalate'],
      `must be a list of levels, e.g. ${ESCALATE_EXAMPLE}; got ${shown(a.escalate)}`,
    );
    return;
  }
  a.escalate.forEach((level, i) => {
    const rel = ['approval', 'escalate', i];
    const m = scope.mapping(
      rel,
      level,
      NESTED_KEYS.escalation,
      '{ approvers: { roles: [admin] }, timeout: 30m }',
    );
    if (!m) return;
    checkApprovers(scope, [...rel, 'approvers'], m.approvers, true);
    scope.duration([...rel, 'timeout'], m.timeout);
    scope.channels([...rel, 'notify'], m.notify);
  });
}

/** `{ roles, users }`: known roles, user ids, and at least somebody. */
function checkApprovers(scope: Scope, rel: YamlPath, value: unknown, required: boolean): Mapping | null {
  if (value === undefined) {
    if (required) scope.problem(rel, 'required: who decides at this level, e.g. { roles: [admin] }');
    return null;
  }
  const m = scope.mapping(rel, value, NESTED_KEYS.approvers, '{ roles: [responder] }');
  if (!m) return null;
  const roles: readonly string[] = ROLES;
  if (m.roles !== undefined) {
    if (!Array.isArray(m.roles))
      scope.problem(
        [...rel, 'roles'],
        `must be a list of roles (${roles.join(', ')}); got ${shown(m.roles)}`,
      );
    else
      m.roles.forEach((role, i) => {
        if (typeof role !== 'string' || !roles.includes(role))
          scope.problem(
            [...rel, 'roles', i],
            `unknown role ${shown(role)}; roles are ${roles.join(', ')}${typeof role === 'string' ? didYouMean(role, roles) : ''}`,
          );
      });
  }
  scope.stringList([...rel, 'users'], m.users, '[apikey:0b6f…]');
  const nobody =
    (Array.isArray(m.roles) ? m.roles.length === 0 : required && m.roles === undefined) &&
    !(Array.isArray(m.users) && m.users.length > 0);
  if (nobody) scope.problem(rel, `names nobody who may decide; give roles (${roles.join(', ')}) or users`);
  return m;
}
