import type { CheckContext, StepInfo, TemplateUse } from '../check-context';
import { didYouMean, quoteList } from '../suggest';

/**
 * Every `steps.<id>` a template reads must name a step whose result exists when the template
 * is evaluated: an earlier step of the same list (or something inside one), not a later one,
 * not a parallel sibling, not the other side of a branch.
 */
export function checkReferences(ctx: CheckContext): void {
  const byId = new Map<string, StepInfo>();
  for (const step of ctx.steps) if (step.id && !byId.has(step.id)) byId.set(step.id, step);
  const ids = [...byId.keys()];

  for (const use of ctx.uses) {
    for (const id of use.ids) {
      const where = use.step ? `${label(use.step)}: ${use.field}: ` : `${use.field}: `;
      const report = (message: string) =>
        ctx.report(use.path, `${where}steps.${id}: ${message}`, use.step?.id ?? null);
      const target = byId.get(id);
      if (!target) {
        const dashed = ids.find((other) => other.startsWith(`${id}-`));
        const hint = dashed
          ? `; an id with "-" must be quoted in JSONata: steps.\`${dashed}\``
          : `${didYouMean(id, ids)} (steps: ${quoteList(ids)})`;
        report(`unknown step id "${id}"${hint}`);
        continue;
      }
      const problem = orderProblem(use, target, (s) => ctx.src.lineAt(s.path));
      if (problem) report(problem);
    }
  }
}

function orderProblem(
  use: TemplateUse,
  target: StepInfo,
  lineOf: (s: StepInfo) => number | null,
): string | null {
  if (use.site === 'outputs') return null;
  if (use.site === 'inputs')
    return 'inputs are evaluated before any step runs, so no step result exists yet; read it in a step (with, or a set step) instead';
  const step = use.step!;
  const chain = [...step.ancestors, step];
  const targetChain = [...target.ancestors, target];
  // An undo runs after its step (and everything inside it) has finished.
  const after = use.site === 'compensate';
  if (target === step)
    return after
      ? null
      : `is used before it runs: this is the step's own result, which exists only once it has finished`;
  if (chain.includes(target))
    return `is used before it runs: this step runs inside "${target.id}", whose result exists only once all of it has finished`;
  if (targetChain.includes(step))
    return after
      ? null
      : `is used before it runs: "${target.id}" runs inside this step, after this is evaluated`;
  let d = 0;
  while (chain[d] === targetChain[d]) d++;
  const mine = chain[d];
  const theirs = targetChain[d];
  if (mine.list !== theirs.list) {
    const owner = mine.list.owner?.id ?? '?';
    return `"${target.id}" is in the ${theirs.list.kind} list of branch "${owner}" and this step in its ${mine.list.kind} list: they never both run`;
  }
  if (mine.list.kind === 'parallel')
    return `"${target.id}" runs in parallel with this step (both are branches of "${mine.list.owner?.id ?? '?'}"), so its result may not exist yet; read it after the parallel step`;
  if (theirs.index > mine.index) {
    const inside = theirs === target ? '' : ` (inside "${theirs.id}")`;
    return `is used before it runs: "${target.id}" comes later${inside} at line ${lineOf(target)}; move "${target.id}" before this step, or read it in a later step`;
  }
  return null;
}

function label(step: StepInfo): string {
  return step.id ? `step "${step.id}"` : `step #${step.index + 1}`;
}
