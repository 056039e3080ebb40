import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<number>();

/**
 * Runs an action's work knowing when its attempt will be cut (epoch ms). The HTTP client then
 * hands a vendor's Retry-After that would outlast the attempt back to the caller, as a retryable
 * error carrying the wait, instead of sleeping into the cut: the next attempt starts when the
 * vendor said, not at a backoff that knows nothing of it.
 */
export function withinAttempt<T>(deadlineMs: number, work: () => Promise<T>): Promise<T> {
  return deadlines.run(deadlineMs, work);
}

/** Time left in the current attempt (ms), or undefined outside one. */
export function attemptTimeLeft(): number | undefined {
  const deadline = deadlines.getStore();
  return deadline === undefined ? undefined : deadline - Date.now();
}
