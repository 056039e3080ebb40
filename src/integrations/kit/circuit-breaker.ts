import { VendorError } from './vendor-error';

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Stops hammering a vendor that is down: after `failureThreshold` consecutive failures to answer
 * (network errors, timeouts, 5xx) calls fail fast until `resetAfterMs` has passed, then one probe
 * goes through; its outcome closes the circuit or opens it again. A 4xx/429 proves the vendor is
 * up, so it counts as a success here.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly options: {
      failureThreshold: number;
      resetAfterMs: number;
      now: () => number;
      /** Told when the circuit opens (true) or closes again (false), e.g. for a metric. */
      onChange?: (open: boolean) => void;
    },
  ) {}

  state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.options.now() - this.openedAt >= this.options.resetAfterMs ? 'half-open' : 'open';
  }

  /** Lets a call through or throws a retryable VendorError; returns true when the call is the half-open probe. */
  admit(vendor: string): boolean {
    const state = this.state();
    if (state === 'closed') return false;
    if (state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    const retryAfterMs =
      state === 'open'
        ? this.openedAt! + this.options.resetAfterMs - this.options.now()
        : this.options.resetAfterMs;
    throw new VendorError({
      vendor,
      message: `circuit open: ${vendor} failed ${this.options.failureThreshold} times in a row; calls are paused for ${Math.ceil(retryAfterMs / 1000)} s`,
      code: 'CIRCUIT_OPEN',
      retryable: true,
      retryAfterMs,
    });
  }

  success(): void {
    const wasOpen = this.openedAt !== undefined;
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
    if (wasOpen) this.options.onChange?.(false);
  }

  failure(): void {
    if (this.probing || this.openedAt !== undefined) {
      // The probe failed (or a call admitted before opening did): stay open for another period.
      this.openedAt = this.options.now();
      this.probing = false;
      return;
    }
    this.failures++;
    if (this.failures >= this.options.failureThreshold) {
      this.openedAt = this.options.now();
      this.options.onChange?.(true);
    }
  }

  /** Frees the probe slot when the probe ended without a verdict (cancelled by the caller). */
  probeDone(): void {
    this.probing = false;
  }
}
