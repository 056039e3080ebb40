import type { BranchStep, FailStep, ParallelStep, SetStep, SucceedStep } from './playbook.types';
import { evaluateCondition } from './templates';
import { RunEnded, settleWithLimit, templateFailure } from './run-control';
import type { StepHandler } from './run-context';

/** `if` + `then`/`else`: runs one of the two lists; the output says which. */
export const branchStep: StepHandler = async (run, raw, extra) => {
  const step = raw as BranchStep;
  let taken: boolean;
  try {
    taken = await evaluateCondition(step.if, run.scope(extra));
  } catch (err) {
    throw templateFailure(step.id, err);
  }
  const output = { branch: taken ? 'then' : 'else' };
  await run.record({ id: step.id, kind: 'if' }, 'RUNNING', { output });
  await run.runList(taken ? step.then : (step.else ?? []), extra);
  await run.record({ id: step.id, kind: 'if' }, 'SUCCEEDED', { output });
  return output;
};

/** `parallel`: every branch at once; the step fails (after all settle) if one failed for good. */
export const parallelStep: StepHandler = async (run, raw, extra) => {
  const step = raw as ParallelStep;
  await run.record({ id: step.id, kind: 'parallel' }, 'RUNNING');
  // Each branch is a one-step list, so its own on_error still applies.
  const results = await settleWithLimit(step.parallel, step.parallel.length, (branch) =>
    run.runList([branch], extra),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const output = Object.fromEntries(step.parallel.map((b) => [b.id, run.steps[b.id]?.status ?? 'SKIPPED']));
  await run.record({ id: step.id, kind: 'parallel' }, 'SUCCEEDED', { output });
  return output;
};

/** `set`: variables for later steps, as `vars.<name>`. */
export const setStep: StepHandler = async (run, raw, extra) => {
  const step = raw as SetStep;
  const values = await run.render<Record<string, unknown>>(step.id, step.set, extra);
  Object.assign(run.vars, values);
  await run.record({ id: step.id, kind: 'set' }, 'SUCCEEDED', { output: values });
  return values;
};

function messageOf(spec: { message?: string } | string | null | undefined): unknown {
  return typeof spec === 'string' ? spec : (spec?.message ?? '');
}

/** `succeed`: ends the run here, successfully (nothing is compensated). */
export const succeedStep: StepHandler = async (run, raw, extra) => {
  const step = raw as SucceedStep;
  const message = String(await run.render(step.id, messageOf(step.succeed), extra));
  await run.record({ id: step.id, kind: 'succeed' }, 'SUCCEEDED', { output: { message } });
  run.steps[step.id] = { status: 'SUCCEEDED', output: { message } };
  throw new RunEnded('SUCCEEDED', step.id, message);
};

/** `fail`: ends the run here as FAILED with the message; completed steps are compensated. */
export const failStep: StepHandler = async (run, raw, extra) => {
  const step = raw as FailStep;
  const message = String(await run.render(step.id, messageOf(step.fail), extra));
  await run.record({ id: step.id, kind: 'fail' }, 'SUCCEEDED', { output: { message } });
  run.steps[step.id] = { status: 'SUCCEEDED', output: { message } };
  throw new RunEnded('FAILED', step.id, message);
};
