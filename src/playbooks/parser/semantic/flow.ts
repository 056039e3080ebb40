import { kindLabel } from '../../../workflows/playbook.types';
import type { CheckContext, StepInfo, StepList } from '../check-context';
import { isMapping } from '../scope';
import { didYouMean, quoteList } from '../suggest';

/**
 * Control flow within each list: an `on_error` goto must jump forward within its own list
 * (backwards would loop), and no step may sit where nothing can reach it.
 */
export function checkFlow(ctx: CheckContext): void {
  const byId = new Map<string, StepInfo>();
  for (const step of ctx.steps) if (step.id && !byId.has(step.id)) byId.set(step.id, step);
  for (const list of ctx.lists) {
    for (const step of list.items) checkGoto(ctx, list, step, byId);
    if (list.kind !== 'parallel') checkReachable(ctx, list);
  }
}

/** The target of a well-formed `on_error: { goto }`, else null (a malformed one is reported elsewhere). */
export function gotoOf(step: StepInfo): string | null {
  const onError = step.raw.on_error;
  return isMapping(onError) && typeof onError.goto === 'string' && onError.goto ? onError.goto : null;
}

function checkGoto(ctx: CheckContext, list: StepList, step: StepInfo, byId: Map<string, StepInfo>): void {
  const target = gotoOf(step);
  if (target === null) return;
  const report = (message: string) =>
    ctx.report([...step.path, 'on_error', 'goto'], `${label(step)}: on_error.goto: ${message}`, step.id);
  const later = list.items.filter((s) => s.index > step.index && s.id).map((s) => s.id as string);
  const here = later.length
    ? ` (later steps here: ${quoteList(later)})`
    : ' (no step follows this one in its list)';
  if (list.kind === 'parallel') {
    report(
      `a parallel branch runs on its own, so goto "${target}" can never jump; use continue or fail, or put the steps in a then list`,
    );
    return;
  }
  const found = list.items.find((s) => s.id === target);
  if (found === step) {
    report(
      `"${target}" is this step itself: it would run again and again (a cycle); jump to a later step, or use retry`,
    );
  } else if (found && found.index < step.index) {
    report(
      `"${target}" comes before this step, so jumping back would loop (a cycle: ${target} → … → ${step.id ?? '?'} → ${target}); goto may only jump forward${here}`,
    );
  } else if (!found) {
    const elsewhere = byId.get(target);
    if (elsewhere)
      report(
        `"${target}" is not in the same step list as this step, so the jump can never happen; goto may only target a later step of this list${here}`,
      );
    else
      report(
        `unknown step id "${target}"${didYouMean(target, later)}; goto may only target a later step of this list${here}`,
      );
  }
}

function checkReachable(ctx: CheckContext, list: StepList): void {
  const targets = new Set<string>();
  let live = true;
  let ender: StepInfo | null = null;
  let stranded: StepInfo[] = [];
  const flush = () => {
    if (!stranded.length || !ender) return;
    const [first, ...rest] = stranded;
    const also = rest.length ? ` (nor can ${rest.map(label).join(', ')} after it)` : '';
    ctx.report(
      first.path,
      `${label(first)}: can never run${also}: step "${ender.id ?? '?'}" before it ${endsBecause(ender)}; give "${ender.id ?? '?'}" an if, remove the stranded steps, or make one the target of an on_error goto`,
      first.id,
    );
    stranded = [];
  };
  for (const step of list.items) {
    if (!live && !(step.id !== null && targets.has(step.id))) {
      stranded.push(step);
      continue;
    }
    flush();
    const goto = gotoOf(step);
    if (goto) targets.add(goto);
    live = !alwaysEnds(ctx, step);
    if (!live) ender = step;
  }
  flush();
}

/** A step after which its list never continues: succeed/fail without `if`, or a branch whose both sides end the run. */
function alwaysEnds(ctx: CheckContext, step: StepInfo): boolean {
  if (step.kind === 'succeed' || step.kind === 'fail') return step.raw.if === undefined;
  if (step.kind !== 'then' || step.raw.else === undefined) return false;
  const sides = ctx.lists.filter((l) => l.owner === step && (l.kind === 'then' || l.kind === 'else'));
  return (
    sides.length === 2 &&
    sides.every((l) => l.items.length > 0 && alwaysEnds(ctx, l.items[l.items.length - 1]))
  );
}

function endsBecause(step: StepInfo): string {
  if (step.kind === 'then')
    return 'always ends the run (both its then and else lists end with succeed or fail)';
  return `always ends the run (${kindLabel(step.kind!)} without an if)`;
}

function label(step: StepInfo): string {
  return step.id ? `step "${step.id}"` : `step #${step.index + 1}`;
}
