import { VendorError } from './vendor-error';

/** At most `limit` requests in any `rollingMs` (a per-minute quota, say). */
export interface RollingWindow {
  label: string;
  limit: number;
  rollingMs: number;
}

/** At most `limit` requests until the boundary `resetsAt` names (a daily quota reset at midnight). */
export interface FixedWindow {
  label: string;
  limit: number;
  resetsAt: (now: number) => number;
}

export type RateWindow = RollingWindow | FixedWindow;

export interface RateBudgetOptions {
  /** Windows with a limit of 0 or less do not limit. */
  windows: RateWindow[];
  now?: () => number;
}

type WindowState =
  { window: RollingWindow; taken: number[] } | { window: FixedWindow; count: number; resetAt: number };

/** The next 00:00 UTC after `now`: when daily vendor quotas commonly reset. */
export function nextUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/**
 * A connection's own count of a vendor quota, so an adapter stops before the vendor has to say
 * 429, and hands the wait to the caller (Temporal) as a retryable error instead of calling.
 * It counts one process's calls; the vendor's own 429 still has the last word (`guard`).
 */
export class RateBudget {
  private readonly states: WindowState[];
  private readonly now: () => number;
  private pausedUntil = 0;

  constructor(options: RateBudgetOptions) {
    this.now = options.now ?? Date.now;
    this.states = options.windows
      .filter((w) => w.limit > 0)
      .map((window) =>
        'rollingMs' in window
          ? { window, taken: [] }
          : { window, count: 0, resetAt: window.resetsAt(this.now()) },
      );
  }

  /** Milliseconds until a request may be made (0 = now), and the window that holds it back. */
  wait(): { ms: number; label?: string } {
    const now = this.now();
    let ms = Math.max(0, this.pausedUntil - now);
    let label = ms > 0 ? 'the vendor asked to wait' : undefined;
    for (const state of this.states) {
      const stateMs = this.stateWait(state, now);
      if (stateMs > ms) {
        ms = stateMs;
        label = state.window.label;
      }
    }
    return { ms, label };
  }

  /** Counts one request and returns 0, or counts nothing and returns how long to wait. */
  take(): number {
    const { ms } = this.wait();
    if (ms > 0) return ms;
    const now = this.now();
    for (const state of this.states) {
      if ('taken' in state) state.taken.push(now);
      else state.count++;
    }
    return 0;
  }

  /** Counts one request, or throws a retryable VendorError saying when to come back. */
  takeOrThrow(vendor: string): void {
    const { ms, label } = this.wait();
    if (ms > 0) throw exhausted(vendor, ms, label);
    this.take();
  }

  /** The vendor said stop: no request until `at` (epoch ms). */
  pauseUntil(at: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, at);
  }

  /**
   * Runs one vendor call inside the budget: refuses (retryably) when it is spent, and when the
   * call ends in the vendor's own 429 with a wait, holds every later call until then.
   */
  async guard<T>(vendor: string, call: () => Promise<T>): Promise<T> {
    this.takeOrThrow(vendor);
    try {
      return await call();
    } catch (err) {
      if (err instanceof VendorError && err.status === 429 && err.retryAfterMs !== undefined)
        this.pauseUntil(this.now() + err.retryAfterMs);
      throw err;
    }
  }

  private stateWait(state: WindowState, now: number): number {
    const { limit } = state.window;
    if ('taken' in state) {
      const { rollingMs } = state.window;
      while (state.taken.length && state.taken[0] <= now - rollingMs) state.taken.shift();
      return state.taken.length < limit ? 0 : state.taken[0] + rollingMs - now;
    }
    if (now >= state.resetAt) {
      state.count = 0;
      state.resetAt = state.window.resetsAt(now);
    }
    return state.count < limit ? 0 : state.resetAt - now;
  }
}

function exhausted(vendor: string, ms: number, label: string | undefined): VendorError {
  return new VendorError({
    vendor,
    code: 'RATE_BUDGET_EXHAUSTED',
    message: `the connection's ${vendor} quota is spent (${label ?? 'rate limit'}); retry in ${Math.ceil(ms / 1000)} s`,
    retryable: true,
    retryAfterMs: ms,
  });
}
