import {
  parseRetryAfter,
  type HttpResponse,
  type ParsedVendorError,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { nextUtcMidnight, RateBudget } from '../../src/integrations/kit/rate-budget';
import { perConnection, TtlCache } from '../../src/integrations/kit/ttl-cache';
import { VendorError } from '../../src/integrations/kit/vendor-error';
import { manifest } from './manifest';

export const VENDOR = 'AbuseIPDB';

/** `GET /check` → `data`. */
export interface AbuseCheck {
  ipAddress: string;
  isPublic?: boolean;
  ipVersion?: number;
  isWhitelisted?: boolean | null;
  abuseConfidenceScore?: number;
  countryCode?: string | null;
  usageType?: string | null;
  isp?: string | null;
  domain?: string | null;
  hostnames?: string[];
  isTor?: boolean;
  totalReports?: number;
  numDistinctUsers?: number;
  lastReportedAt?: string | null;
}

/** What `intel.lookup` answers; cached per connection. */
export interface IntelResult extends Record<string, unknown> {
  type: string;
  value: string;
  verdict: 'malicious' | 'suspicious' | 'harmless' | 'unknown';
  score: number;
  source: string;
  details: Record<string, unknown>;
  link: string;
}

export interface AbuseSettings {
  maxAgeInDays: number;
  maliciousScore: number;
  suspiciousScore: number;
  dailyLimit: number;
  cacheTtlSeconds: number;
}

/** The connection's settings, defaults from the manifest filling what is absent or malformed. */
export function abuseSettings(connection: ActionContext['connection']): AbuseSettings {
  const num = (key: keyof AbuseSettings): number => {
    const value = connection.settings[key];
    const fallback = manifest.settings[key].default as number;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  const maliciousScore = Math.min(100, num('maliciousScore'));
  return {
    maxAgeInDays: Math.min(365, Math.max(1, Math.round(num('maxAgeInDays')))),
    maliciousScore,
    suspiciousScore: Math.min(maliciousScore, num('suspiciousScore')),
    dailyLimit: num('dailyLimit'),
    cacheTtlSeconds: num('cacheTtlSeconds'),
  };
}

/** AbuseIPDB's JSON:API errors: `{"errors": [{"detail", "status", "source": {"parameter"}}]}`. */
export function abuseParseError(status: number, body: unknown): ParsedVendorError {
  const first = (body as { errors?: Array<{ detail?: unknown; status?: unknown }> } | undefined)?.errors?.[0];
  const code = String(typeof first?.status === 'number' ? first.status : status);
  if (typeof first?.detail === 'string' && first.detail) return { code, message: first.detail };
  return { code, message: `HTTP ${status}` };
}

/** `Retry-After` (seconds) first; failing that `X-RateLimit-Reset`, an epoch time in seconds. */
export function abuseRetryAfter(res: Response, now: number): number | undefined {
  const asked = parseRetryAfter(res, now);
  if (asked !== undefined) return asked;
  const reset = Number(res.headers.get('x-ratelimit-reset') ?? NaN);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

/** Per connection (tenant): the answers already paid for, and what is left of today's checks. */
export const abuseConnection = perConnection(
  (connection) => {
    const s = abuseSettings(connection);
    return {
      cache: new TtlCache<IntelResult>({ ttlMs: s.cacheTtlSeconds * 1000 }),
      budget: new RateBudget({
        windows: [
          { label: `${s.dailyLimit} checks per day`, limit: s.dailyLimit, resetsAt: nextUtcMidnight },
        ],
      }),
    };
  },
  // Every setting shapes the budget or the cached answers: a change starts afresh.
  (connection) => JSON.stringify(abuseSettings(connection)),
);

/** Calls to one AbuseIPDB connection through the platform's shared client, each within the budget. */
export class AbuseClient {
  readonly settings: AbuseSettings;
  readonly state: ReturnType<typeof abuseConnection>;
  private readonly apiKey: string;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    const apiKey = ctx.connection.secrets.apiKey;
    if (!apiKey) {
      throw new VendorError({
        vendor: VENDOR,
        code: 'MISSING_CREDENTIALS',
        message: 'the connection has no apiKey',
        retryable: false,
      });
    }
    this.apiKey = apiKey;
    this.settings = abuseSettings(ctx.connection);
    this.state = abuseConnection(ctx);
  }

  /** `GET /check?ipAddress=…&maxAgeInDays=…`: AbuseIPDB answers for any valid address. */
  async check(ip: string, maxAgeInDays = this.settings.maxAgeInDays): Promise<AbuseCheck> {
    const res = await this.state.budget.guard(VENDOR, () =>
      this.ctx.http.request<{ data?: AbuseCheck }>({
        method: 'GET',
        path: '/check',
        query: { ipAddress: ip, maxAgeInDays },
        // Lower-case names replace the client's defaults rather than adding a second header.
        headers: { key: this.apiKey, accept: 'application/json' },
        signal: this.ctx.signal,
        retryAfter: abuseRetryAfter,
        parseError: abuseParseError,
      }),
    );
    this.noteRemaining(res);
    const data = res.body?.data;
    if (!data || typeof data !== 'object') {
      throw new VendorError({
        vendor: VENDOR,
        status: res.status,
        code: 'BAD_RESPONSE',
        message: 'GET /check answered without data',
        retryable: true,
      });
    }
    return data;
  }

  /** AbuseIPDB counts for us too: when it says none are left, stop before it has to say 429. */
  private noteRemaining(res: HttpResponse<unknown>): void {
    if (res.headers.get('x-ratelimit-remaining')?.trim() !== '0') return;
    const reset = Number(res.headers.get('x-ratelimit-reset') ?? NaN);
    this.state.budget.pauseUntil(
      Number.isFinite(reset) && reset > 0 ? reset * 1000 : nextUtcMidnight(Date.now()),
    );
  }
}
