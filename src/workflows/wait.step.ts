import { condition, sleep } from '@temporalio/workflow';
import { durationMs } from './durations';
import type { WaitStep } from './playbook.types';
import { evaluateCondition } from './templates';
import { StepFailed, templateFailure } from './run-control';
import type { StepHandler } from './run-context';

/**
 * `wait`: a durable timer, or the first matching event about the run's case or alert (delivered
 * as a signal), with an optional timeout. A dry run does not wait.
 */
export const waitStep: StepHandler = async (run, raw, extra) => {
  const step = raw as WaitStep;
  const spec = step.wait;
  const self = { id: step.id, kind: 'wait' };
  if (run.input.dryRun) {
    const output = { timed_out: false, dry_run: true };
    await run.record(self, 'SUCCEEDED', { output });
    return output;
  }
  run.state = { ...run.state, status: 'WAITING' };
  await run.record(self, 'WAITING');
  let output: Record<string, unknown>;
  if (spec.duration) {
    // A duration may come from the run (a block's TTL as an input): render it first.
    const duration = String(await run.render(step.id, spec.duration, extra));
    let ms: number;
    try {
      ms = durationMs(duration);
    } catch (err) {
      throw new StepFailed(step.id, {
        message: `step "${step.id}": ${(err as Error).message}`,
        code: 'TEMPLATE_ERROR',
      });
    }
    await sleep(ms);
    output = { timed_out: false, waited: duration };
  } else {
    output = await waitForEvent(run, step, extra);
  }
  run.state = { ...run.state, status: 'RUNNING' };
  await run.record(self, 'SUCCEEDED', { output });
  return output;
};

async function waitForEvent(
  run: Parameters<StepHandler>[0],
  step: WaitStep,
  extra: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const spec = step.wait;
  const deadline = spec.timeout ? Date.now() + durationMs(spec.timeout) : null;
  // Events are consumed in order: one that arrived while earlier steps ran still counts (a case
  // closed a moment after containment), one an earlier wait already used does not.
  let seen = run.eventCursor;
  for (;;) {
    const arrived = () => run.events.length > seen;
    const remaining = deadline === null ? null : deadline - Date.now();
    const got =
      remaining === null
        ? (await condition(arrived), true)
        : remaining > 0 && (await condition(arrived, remaining));
    if (!got) {
      run.eventCursor = seen;
      return { timed_out: true };
    }
    while (seen < run.events.length) {
      const event = run.events[seen++];
      if (!event || event.event !== spec.event) continue;
      let matches = true;
      if (spec.when) {
        try {
          matches = await evaluateCondition(spec.when, {
            ...run.scope(extra),
            ...event.data,
            event: event.data,
          });
        } catch (err) {
          throw templateFailure(step.id, err);
        }
      }
      if (matches) {
        run.eventCursor = seen;
        return { timed_out: false, event: event.data };
      }
    }
  }
}
