import type { RetryPolicy } from '@temporalio/common';
import type { RetrySpec } from './playbook.types';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses the playbook duration form "500ms", "30s", "15m", "2h", "1d". */
export function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`invalid duration "${text}" (use e.g. 30s, 15m, 2h)`);
  return Math.round(Number(match[1]) * UNITS[match[2]]);
}

export function isDuration(text: unknown): boolean {
  return typeof text === 'string' && /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.test(text.trim());
}

/** Step retry settings → Temporal's policy; vendor errors marked non-retryable are never retried. */
export function actionRetryPolicy(spec: RetrySpec | undefined): RetryPolicy {
  return {
    maximumAttempts: spec?.max_attempts ?? 5,
    initialInterval: spec?.initial_interval ? durationMs(spec.initial_interval) : 1000,
    backoffCoefficient: spec?.backoff ?? 2,
    maximumInterval: 60_000,
    nonRetryableErrorTypes: spec?.non_retryable ?? [],
  };
}
