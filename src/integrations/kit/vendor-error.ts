/**
 * The one error shape adapters raise. It carries what an analyst needs in the run's step
 * (vendor, HTTP status, vendor code, vendor message) and whether retrying can help — never
 * a stack trace of ours, never a secret.
 */
export class VendorError extends Error {
  readonly vendor: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryable: boolean;
  /** For 429/503: how long the vendor asked us to wait, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(args: {
    vendor: string;
    message: string;
    status?: number;
    code?: string;
    retryable: boolean;
    retryAfterMs?: number;
  }) {
    super(args.message);
    this.name = 'VendorError';
    this.vendor = args.vendor;
    this.status = args.status;
    this.code = args.code;
    this.retryable = args.retryable;
    this.retryAfterMs = args.retryAfterMs;
  }

  toJSON(): Record<string, unknown> {
    return {
      vendor: this.vendor,
      status: this.status,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
    };
  }
}
