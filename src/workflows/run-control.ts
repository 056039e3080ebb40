import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { StepFailureInfo } from './run-input';
import { TemplateError } from './templates';

/** A step that failed for good; carries what the run's record should say. */
export class StepFailed extends Error {
  constructor(
    readonly stepId: string,
    readonly info: StepFailureInfo,
  ) {
    super(info.message);
  }
}

/** A `succeed` or `fail` step ending the run on purpose. */
export class RunEnded extends Error {
  constructor(
    readonly status: 'SUCCEEDED' | 'FAILED',
    readonly stepId: string,
    message: string,
  ) {
    super(message);
  }
}

export function templateFailure(stepId: string, err: unknown): StepFailed {
  const message = err instanceof TemplateError ? err.message : String(err);
  return new StepFailed(stepId, { message: `step "${stepId}": ${message}`, code: 'TEMPLATE_ERROR' });
}

/**
 * Turns an activity or child failure into what an analyst should read: the vendor's words, not
 * our stack. A regular activity's failure arrives wrapped in an `ActivityFailure`, a local
 * activity's (every action in newer runs) as the bare `ApplicationFailure` it threw: both carry
 * the same details, and both must keep the vendor, its status and whether a retry could help.
 */
export function failureInfo(err: unknown): StepFailureInfo {
  if (err instanceof StepFailed) return err.info;
  if (err instanceof ChildWorkflowFailure) return failureInfo(err.cause);
  const app =
    err instanceof ActivityFailure && err.cause instanceof ApplicationFailure
      ? err.cause
      : err instanceof ApplicationFailure
        ? err
        : null;
  if (app) {
    const details = (app.details?.[0] ?? {}) as Partial<StepFailureInfo>;
    return {
      message: details.message ?? app.message,
      vendor: details.vendor,
      status: details.status,
      code: details.code ?? app.type ?? undefined,
      retryable: !app.nonRetryable,
    };
  }
  if (err instanceof ActivityFailure) return { message: err.cause?.message ?? err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}

/**
 * Runs `fn` over items with at most `limit` in flight, settling every one (a failure does not
 * abandon the rest mid-flight). Deterministic: items start in order as slots free up.
 */
export async function settleWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
