import { TRIGGER_EVENTS } from '../../workflows/playbook.types';
import type { CheckContext } from './check-context';
import { checkStepList } from './check-step';
import { isMapping, Scope, shown, type Mapping } from './scope';
import { ID_PATTERN, TOP_LEVEL_KEYS, TRIGGER_KEYS, VAR_PATTERN } from './vocabulary';
import type { YamlPath } from './yaml-source';

/** The playbook's own keys: id, name, trigger, inputs, steps (and everything in them), outputs. */
export function checkPlaybook(ctx: CheckContext, def: Mapping): void {
  const top = new Scope(ctx, [], null);
  top.knownKeys([], def, TOP_LEVEL_KEYS, 'a playbook');

  if (def.id === undefined) top.problem(['id'], 'required: the playbook id, e.g. id: contain-host');
  else if (typeof def.id !== 'string' || !ID_PATTERN.test(def.id))
    top.problem(
      ['id'],
      `${shown(def.id)} is not a valid playbook id; use lower-case letters, digits, - or _, starting with a letter (at most 64), e.g. contain-host`,
    );
  else ctx.playbookId = def.id;
  top.requiredString(['name'], def.name, 'Contain a host after a responder approves');
  top.optionalString(['description'], def.description);

  if (def.trigger === undefined)
    top.problem(
      ['trigger'],
      `required: what starts the playbook, e.g. trigger: { event: alert.created } (events: ${TRIGGER_EVENTS.join(', ')})`,
    );
  else {
    const trigger = top.mapping(
      ['trigger'],
      def.trigger,
      TRIGGER_KEYS,
      '{ event: alert.created, when: \'severity = "HIGH"\' }',
    );
    if (trigger) {
      if (trigger.event === undefined)
        top.problem(['trigger', 'event'], `required: one of ${TRIGGER_EVENTS.join(', ')}`);
      else top.choice(['trigger', 'event'], trigger.event, TRIGGER_EVENTS);
      top.expression(['trigger', 'when'], trigger.when, `'severity in ["HIGH", "CRITICAL"]'`);
    }
  }

  checkNamedTemplates(
    top,
    ['inputs'],
    def.inputs,
    'inputs',
    `{ hostname: '{{ observables[type = "HOSTNAME"][0].value }}' }`,
  );
  checkStepList(ctx, ['steps'], def.steps, 'steps', null, new Map());
  checkNamedTemplates(
    top,
    ['outputs'],
    def.outputs,
    'outputs',
    `{ host_id: '{{ steps.host.output.host_id }}' }`,
  );
}

/** `inputs` and `outputs`: name → template, names readable without quoting. */
function checkNamedTemplates(
  top: Scope,
  rel: YamlPath,
  value: unknown,
  site: 'inputs' | 'outputs',
  example: string,
): void {
  if (value === undefined) return;
  if (!isMapping(value)) {
    top.problem(rel, `must be a mapping of name → template, e.g. ${example}; got ${shown(value)}`);
    return;
  }
  for (const [name, template] of Object.entries(value)) {
    if (!VAR_PATTERN.test(name))
      top.problem(
        [...rel, name],
        `"${name}" is not a usable name; use letters, digits and _ (not starting with a digit) so templates can read ${site}.<name>`,
      );
    top.template([...rel, name], template, 'template', site);
  }
}
