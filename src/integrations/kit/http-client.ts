import { attemptTimeLeft } from './attempt-deadline';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import { Semaphore } from './semaphore';
import { defaultParseError, networkCode, parseBody, parseRetryAfter } from './http-parsing';
import { VendorError } from './vendor-error';
import { cordonMetrics } from '../../metrics/cordon.metrics';
import { vendorCall } from '../../tracing/vendor-call';

export type { BreakerState } from './circuit-breaker';
export { defaultParseError, parseRetryAfter } from './http-parsing';
export { OAuth2ClientCredentials, type OAuth2ClientCredentialsOptions } from './oauth2-client-credentials';

/** Supplies bearer tokens; `invalidate()` drops a token the vendor refused so the next call fetches a new one. */
export interface TokenProvider {
  token(): Promise<string>;
  invalidate(): void;
}

export interface ParsedVendorError {
  code?: string;
  message: string;
}

/** Milliseconds the vendor asked us to wait, read from its own headers; `now` is the client's clock. */
export type RetryAfterHook = (res: Response, now: number) => number | undefined;
export type ParseErrorHook = (status: number, body: unknown, headers: Headers) => ParsedVendorError;
export type QueryValue = string | number | undefined | readonly string[];

export interface HttpClientOptions {
  vendor: string;
  /** The integration's id, naming this client in metrics and traces (bounded, unlike a URL); `vendor` when absent. */
  integration?: string;
  baseUrl: string;
  timeoutMs?: number;
  maxAttempts?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  concurrency?: number;
  breaker?: { failureThreshold?: number; resetAfterMs?: number };
  sleep?: (ms: number) => Promise<void>;
  /** Clock for the breaker and Retry-After dates; injectable for tests. */
  now?: () => number;
  /** Source of jitter in [0, 1); injectable for tests. */
  random?: () => number;
  retryAfter?: RetryAfterHook;
  parseError?: ParseErrorHook;
}

export interface HttpRequest {
  method: string;
  path: string;
  /** Arrays become repeated parameters (`ids=a&ids=b`). */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  bearer?: TokenProvider;
  /** Statuses that count as success; any 2xx when absent. */
  expect?: number[];
  /** Caller cancellation (a Temporal activity's signal); its reason is rethrown as is. */
  signal?: AbortSignal;
  /** Per-request vendor hooks, for adapters handed the platform's shared client. */
  retryAfter?: RetryAfterHook;
  parseError?: ParseErrorHook;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** The longest wait we sit through inside one call; beyond it the caller (Temporal) reschedules. */
export const MAX_INLINE_WAIT_MS = 60_000;

type Attempt = { ok: true; res: Response; body: unknown } | { ok: false; message: string };

/**
 * The one resilient HTTP client every adapter uses: timeouts, retries with capped exponential
 * backoff and full jitter, vendor-requested waits, a circuit breaker and a concurrency limit.
 * Errors carry the vendor's words but never our secrets or request bodies.
 */
export class HttpClient {
  readonly vendor: string;
  readonly baseUrl: string;
  private readonly integration: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly retryAfterHook?: RetryAfterHook;
  private readonly parseErrorHook: ParseErrorHook;
  private readonly breaker: CircuitBreaker;
  private readonly slots: Semaphore;

  constructor(options: HttpClientOptions) {
    this.vendor = options.vendor;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.integration = options.integration ?? options.vendor;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.initialBackoffMs = options.initialBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.retryAfterHook = options.retryAfter;
    this.parseErrorHook = options.parseError ?? defaultParseError;
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breaker?.failureThreshold ?? 5,
      resetAfterMs: options.breaker?.resetAfterMs ?? 30_000,
      now: this.now,
      onChange: (open) => cordonMetrics.circuitChanged(this.integration, open),
    });
    this.slots = new Semaphore(options.concurrency ?? 8);
  }

  breakerState(): BreakerState {
    return this.breaker.state();
  }

  /**
   * For an owner replacing this client (its connection changed): an open circuit of a client no
   * longer used stops counting in the open-circuits gauge.
   */
  retire(): void {
    this.breaker.success();
  }

  /**
   * Waits through this client's (injectable) sleep: for adapters that retry outside HTTP (SMTP) or
   * through a sibling client, so tests and the conformance harness see the wait instead of sitting it out.
   */
  wait(ms: number): Promise<void> {
    return this.sleep(ms);
  }

  /** Sends one logical request, retrying what retrying can fix; resolves only on an expected status. */
  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const method = req.method.toUpperCase();
    // The label names the call in errors; the query string stays out (it may carry filters or keys).
    const label = `${method} ${req.path}`;
    const parseError = req.parseError ?? this.parseErrorHook;
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(req.signal);
      // The token comes first: its own request goes through the breaker and must not find the
      // half-open probe slot taken by the call that needs it.
      const token = req.bearer ? await req.bearer.token() : undefined;
      const probe = this.breaker.admit(this.vendor);
      let outcome: Attempt;
      try {
        outcome = await this.attempt(method, label, req, token);
      } finally {
        if (probe) this.breaker.probeDone();
      }
      throwIfAborted(req.signal);

      if (!outcome.ok) {
        this.breaker.failure();
        await this.backoffOrGiveUp(attempt, undefined, { message: outcome.message }, req.signal);
        continue;
      }

      const { res, body } = outcome;
      if (res.status >= 500) this.breaker.failure();
      else this.breaker.success();
      if (req.expect ? req.expect.includes(res.status) : res.status >= 200 && res.status < 300) {
        return { status: res.status, headers: res.headers, body: body as T };
      }
      const parsed = parseError(res.status, body, res.headers);
      if (res.status === 401 && req.bearer && !authRetried) {
        // A token can expire or be revoked before our cache says so: fetch a new one, once.
        authRetried = true;
        req.bearer.invalidate();
        attempt--;
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        const waitMs =
          (req.retryAfter ?? this.retryAfterHook)?.(res, this.now()) ?? parseRetryAfter(res, this.now());
        await this.backoffOrGiveUp(attempt, waitMs, { ...parsed, status: res.status }, req.signal);
        continue;
      }
      const message =
        res.status < 300 && req.expect
          ? `${label} answered ${res.status}, expected ${req.expect.join(' or ')}`
          : parsed.message;
      throw new VendorError({
        vendor: this.vendor,
        status: res.status,
        code: parsed.code,
        message,
        retryable: false,
      });
    }
  }

  private async attempt(
    method: string,
    label: string,
    req: HttpRequest,
    token: string | undefined,
  ): Promise<Attempt> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    } else if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    if (token) headers.authorization = `Bearer ${token}`;
    Object.assign(headers, req.headers);

    const release = await this.slots.acquire();
    // The clock starts once we hold a slot: queueing behind our own calls is not the vendor's delay.
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      // Redirects are not followed: a vendor URL that passed the outbound policy must not hand the
      // request (and its credentials) on to an address the policy refuses.
      const answer = await vendorCall(this.integration, method, headers, async () => {
        const res = await fetch(this.url(req.path, req.query), {
          method,
          headers,
          body,
          signal,
          redirect: 'manual',
        });
        return { res, parsed: parseBody(await res.text(), res.headers) };
      });
      return { ok: true, res: answer.res, body: answer.parsed };
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      if (timeout.aborted) return { ok: false, message: `${label} timed out after ${this.timeoutMs} ms` };
      return { ok: false, message: `${label} failed: could not reach ${this.vendor} (${networkCode(err)})` };
    } finally {
      release();
    }
  }

  /** Waits before the next attempt, or throws a retryable error when attempts or patience run out. */
  private async backoffOrGiveUp(
    attempt: number,
    vendorWaitMs: number | undefined,
    last: { message: string; status?: number; code?: string },
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const giveUp = (message: string, retryAfterMs = vendorWaitMs) =>
      new VendorError({
        vendor: this.vendor,
        status: last.status,
        code: last.code,
        message,
        retryable: true,
        retryAfterMs,
      });
    // Too long a wait, or one the attempt would not live through, goes back to the caller.
    const left = attemptTimeLeft() ?? Infinity;
    if (vendorWaitMs !== undefined && vendorWaitMs > Math.min(MAX_INLINE_WAIT_MS, left)) {
      const why = vendorWaitMs > left ? ", past this attempt's end" : '';
      throw giveUp(
        `${last.message} (${this.vendor} asked to wait ${Math.ceil(vendorWaitMs / 1000)} s${why}; retry later)`,
      );
    }
    if (attempt >= this.maxAttempts) {
      throw giveUp(attempt > 1 ? `${last.message} (gave up after ${attempt} attempts)` : last.message);
    }
    // A vendor-requested wait is honoured exactly, even beyond maxBackoffMs; our own is jittered.
    const cap = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempt - 1));
    const waitMs = vendorWaitMs ?? Math.floor(this.random() * cap);
    await this.sleep(waitMs);
    throwIfAborted(signal);
  }

  private url(path: string, query: Record<string, QueryValue> | undefined): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (typeof value === 'string' || typeof value === 'number') params.append(key, String(value));
      else for (const v of value) params.append(key, v);
    }
    const qs = params.toString();
    return `${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}${qs ? `?${qs}` : ''}`;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}
