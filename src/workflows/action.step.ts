import type { ActionStep, ChildPlaybookStep, NotifyStep, PlaybookStep } from './playbook.types';
import { StepFailed, failureInfo, settleWithLimit, templateFailure } from './run-control';
import type { RunContext, StepHandler } from './run-context';
import { evaluateExpression } from './templates';
import { callAction } from './call-action';

type Scope = Record<string, unknown>;

/** `action`: one call, or one per item with `foreach` (outputs in item order). */
export const actionStep: StepHandler = async (run, raw, extra) => {
  const step = raw as ActionStep;
  const once = async (stepId: string, scope: Scope) => {
    const input = (await run.render<Scope>(step.id, step.with ?? {}, scope)) ?? {};
    return callAction(run, stepId, step.action, input, { timeout: step.timeout, retry: step.retry });
  };
  if (step.foreach === undefined) return once(step.id, extra);
  return forEachItem(run, step, extra, (stepId, scope) => once(stepId, scope), 'action');
};

/** `notify`: a message through `notify.send` (or the named channel action). */
export const notifyStep: StepHandler = async (run, raw, extra) => {
  const step = raw as NotifyStep;
  const input = await run.render<Scope>(step.id, step.notify, extra);
  const { via, ...message } = input as Scope & { via?: string };
  return callAction(run, step.id, via ?? 'notify.send', message, {
    timeout: step.timeout,
    retry: step.retry,
    kind: 'notify',
  });
};

/**
 * Runs `body` once per item of the step's `foreach` list with at most `concurrency` at a time.
 * Every item is settled before the step fails, so no item is left half-done and unrecorded;
 * each successful item registers its own undo when the step declares `compensate`.
 */
export async function forEachItem(
  run: RunContext,
  step: (ActionStep | ChildPlaybookStep) & PlaybookStep,
  extra: Scope,
  body: (stepId: string, scope: Scope) => Promise<unknown>,
  kind: string,
): Promise<unknown[]> {
  let items: unknown;
  try {
    const expr = /^\s*\{\{([\s\S]+)\}\}\s*$/.exec(step.foreach ?? '')?.[1] ?? step.foreach ?? '';
    items = await evaluateExpression(expr, run.scope(extra));
  } catch (err) {
    throw templateFailure(step.id, err);
  }
  const list = items === undefined || items === null ? [] : Array.isArray(items) ? items : [items];
  const results = await settleWithLimit(list, step.concurrency ?? 5, async (item, index) => {
    const scope = { ...extra, item, index };
    const output = await body(`${step.id}[${index}]`, scope);
    if (step.compensate) run.pushCompensation(`${step.id}[${index}]`, step.compensate, { ...scope, output });
    return output;
  });
  const outputs = results.map((r) => (r.status === 'fulfilled' ? r.value : { error: failureInfo(r.reason) }));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed >= 0) {
    const reason = (results[failed] as PromiseRejectedResult).reason;
    const info = failureInfo(reason);
    run.steps[step.id] = { status: 'FAILED', output: outputs };
    throw new StepFailed(step.id, { ...info, message: `item ${failed}: ${info.message}` });
  }
  await run.record({ id: step.id, kind }, 'SUCCEEDED', { output: outputs });
  // The step as a whole must not be undone again: its items already registered themselves.
  run.steps[step.id] = { status: 'SUCCEEDED', output: outputs };
  return outputs;
}
