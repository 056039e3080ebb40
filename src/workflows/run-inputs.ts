import type { PlaybookRunInput } from './run-input';
import { renderTemplate } from './templates';

type RunInputs = Pick<PlaybookRunInput, 'definition' | 'event' | 'inputs'>;
type RunState = {
  inputs: Record<string, unknown>;
  steps: Record<string, unknown>;
  vars: Record<string, unknown>;
};

/** What a run's templates read: its triggering alert and case, its inputs, steps and variables. */
export function runScope(
  event: PlaybookRunInput['event'],
  state: RunState,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { inputs, steps, vars } = state;
  return { alert: event.alert, case: event.case, inputs, steps, vars, ...extra };
}

/**
 * The definition's inputs that were not given, rendered against the triggering event: the
 * alert's fields at the top (as the trigger's `when` reads them) and the run's scope before any
 * step. Deterministic, so the dispatcher can render them before the start, outside the workflow
 * sandbox (where JSONata's promises each cost a captured stack trace), and the run renders only
 * what it was not handed. Throws the first TemplateError.
 */
export async function renderRunInputs(input: RunInputs): Promise<Record<string, unknown>> {
  const spec = input.definition.inputs ?? {};
  const given = input.inputs ?? {};
  const scope = {
    ...(input.event.alert ?? {}),
    ...runScope(input.event, { inputs: {}, steps: {}, vars: {} }),
  };
  const rendered: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(spec)) {
    if (name in given) continue;
    rendered[name] = await renderTemplate(template, scope);
  }
  return rendered;
}
