import type { ActionContext } from './integration.types';

export interface PollOptions {
  /** Wait between two reads. 0 reads back to back (the fake settles state on reads). */
  intervalMs: number;
  /** Overall bound; past it the action reports the state it last saw. 0 does not wait at all. */
  timeoutMs: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 5_000;
export const DEFAULT_POLL_TIMEOUT_MS = 120_000;
/** With no wait between reads, the bound is a number of reads rather than a time. */
const MAX_READS_WITHOUT_WAIT = 30;

/** Reads `pollIntervalMs` and `pollTimeoutMs` from the connection's settings. */
export function pollOptions(settings: Record<string, unknown>): PollOptions {
  return {
    intervalMs: nonNegative(settings.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS),
    timeoutMs: nonNegative(settings.pollTimeoutMs, DEFAULT_POLL_TIMEOUT_MS),
  };
}

/**
 * Re-reads a vendor object until `done` says so or the bound is reached, heartbeating between
 * reads so Temporal knows the activity is alive. Returns the last value read.
 */
export async function pollUntil<T>(args: {
  ctx: Pick<ActionContext, 'signal' | 'heartbeat'>;
  initial: T;
  done: (value: T) => boolean;
  read: () => Promise<T>;
  options: PollOptions;
  progress?: (value: T) => unknown;
}): Promise<T> {
  const { ctx, options } = args;
  const deadline = Date.now() + options.timeoutMs;
  const maxReads =
    options.intervalMs > 0 ? Math.ceil(options.timeoutMs / options.intervalMs) : MAX_READS_WITHOUT_WAIT;
  let value = args.initial;
  for (let reads = 0; !args.done(value) && reads < maxReads && Date.now() < deadline; reads++) {
    ctx.heartbeat?.(args.progress?.(value));
    await pause(options.intervalMs, ctx.signal);
    value = await args.read();
  }
  return value;
}

/** Waits `ms` (not at all for 0 or less); cut short, rejecting with the signal's reason, on cancellation. */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function nonNegative(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
