import type { PlaybookRunInput } from './run-input';
import { renderTemplate } from './templates';

type RunInputs = Pick<PlaybookRunInput, 'definition' | 'event' | 'inputs'>;

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
  const { alert, case: kase } = input.event;
  const scope = { ...(alert ?? {}), alert, case: kase, inputs: {}, steps: {}, vars: {} };
  const rendered: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(spec)) {
    if (name in given) continue;
    rendered[name] = await renderTemplate(template, scope);
  }
  return rendered;
}
