import {
  MAX_INLINE_WAIT_MS,
  parseRetryAfter,
  type HttpResponse,
  type ParsedVendorError,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { nextUtcMidnight, RateBudget } from '../../src/integrations/kit/rate-budget';
import { perConnection, TtlCache } from '../../src/integrations/kit/ttl-cache';
import { VendorError } from '../../src/integrations/kit/vendor-error';
import { manifest } from './manifest';

export const VENDOR = 'VirusTotal';

/** Engine counts as VirusTotal gives them; newer keys (`type-unsupported`, `failure`) may appear. */
export interface VtStats {
  malicious?: number;
  suspicious?: number;
  undetected?: number;
  harmless?: number;
  timeout?: number;
  [category: string]: number | undefined;
}

export interface VtEngineResult {
  category?: string;
  result?: string | null;
  engine_name?: string;
  method?: string;
}

/** The attributes the adapter reads from files, IP addresses, domains and URLs. */
export interface VtAttributes {
  last_analysis_stats?: VtStats;
  last_analysis_results?: Record<string, VtEngineResult>;
  last_analysis_date?: number;
  reputation?: number;
  tags?: string[];
  sha256?: string;
  sha1?: string;
  md5?: string;
  meaningful_name?: string;
  type_description?: string;
  size?: number;
  country?: string;
  asn?: number;
  as_owner?: string;
  registrar?: string;
  categories?: Record<string, string>;
  url?: string;
  last_final_url?: string;
  title?: string;
}

export interface VtObject {
  id: string;
  type: string;
  links?: { self?: string };
  attributes?: VtAttributes;
}

export interface VtAnalysis {
  data?: {
    id: string;
    type: 'analysis';
    attributes?: {
      status?: 'queued' | 'in-progress' | 'completed';
      date?: number;
      stats?: VtStats;
      results?: Record<string, VtEngineResult>;
    };
  };
  meta?: { url_info?: { id?: string; url?: string } };
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

export interface VtSettings {
  requestsPerMinute: number;
  requestsPerDay: number;
  cacheTtlSeconds: number;
  maliciousEngines: number;
  suspiciousEngines: number;
  submitUnseenUrls: boolean;
  pollIntervalMs: number;
  analysisTimeoutSeconds: number;
}

/** The connection's settings, defaults from the manifest filling what is absent or malformed. */
export function vtSettings(connection: ActionContext['connection']): VtSettings {
  const s = connection.settings;
  const num = (key: keyof VtSettings): number => {
    const value = s[key];
    const fallback = manifest.settings[key].default as number;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  return {
    requestsPerMinute: num('requestsPerMinute'),
    requestsPerDay: num('requestsPerDay'),
    cacheTtlSeconds: num('cacheTtlSeconds'),
    maliciousEngines: Math.max(1, num('maliciousEngines')),
    suspiciousEngines: Math.max(1, num('suspiciousEngines')),
    submitUnseenUrls: typeof s.submitUnseenUrls === 'boolean' ? s.submitUnseenUrls : true,
    pollIntervalMs: num('pollIntervalMs'),
    analysisTimeoutSeconds: num('analysisTimeoutSeconds'),
  };
}

/** VirusTotal's error body: `{"error": {"code": "NotFoundError", "message": "..."}}`. */
export function vtParseError(status: number, body: unknown): ParsedVendorError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  if (typeof error?.message === 'string' && error.message) return { code, message: error.message };
  return { code, message: code ? `HTTP ${status} ${code}` : `HTTP ${status}` };
}

/**
 * Honours `Retry-After` when VirusTotal sends one. Without it (its 429 headers are unconfirmed) a
 * quota answer means "come back after the minute": longer than the client sits through inline,
 * so the lookup fails retryably and Temporal schedules the retry.
 */
export function vtRetryAfter(res: Response, now: number): number | undefined {
  const asked = parseRetryAfter(res, now);
  if (asked !== undefined || res.status !== 429) return asked;
  return MAX_INLINE_WAIT_MS + 1000;
}

/** Per connection (tenant): the answers already paid for, and what is left of the key's quota. */
export const vtConnection = perConnection(
  (connection) => {
    const s = vtSettings(connection);
    return {
      cache: new TtlCache<IntelResult>({ ttlMs: s.cacheTtlSeconds * 1000 }),
      budget: new RateBudget({
        windows: [
          {
            label: `${s.requestsPerMinute} requests per minute`,
            limit: s.requestsPerMinute,
            rollingMs: 60_000,
          },
          {
            label: `${s.requestsPerDay} requests per day`,
            limit: s.requestsPerDay,
            resetsAt: nextUtcMidnight,
          },
        ],
      }),
    };
  },
  // Every setting shapes the budget or the cached answers: a change starts afresh.
  (connection) => JSON.stringify(vtSettings(connection)),
);

/** Calls to one VirusTotal connection through the platform's shared client, each within the budget. */
export class VtClient {
  readonly settings: VtSettings;
  readonly state: ReturnType<typeof vtConnection>;
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
    this.settings = vtSettings(ctx.connection);
    this.state = vtConnection(ctx);
  }

  /** A file, IP address, domain or URL object; undefined when VirusTotal has never seen it (404). */
  async object(path: string): Promise<VtObject | undefined> {
    const res = await this.send<{ data?: VtObject }>({ method: 'GET', path, expect: [200, 404] });
    return res.status === 404 ? undefined : res.body?.data;
  }

  /** Submits a URL for analysis (`POST /urls`, form field `url`) and returns the analysis id. */
  async submitUrl(url: string): Promise<string> {
    const res = await this.send<{ data?: { id?: string } }>({ method: 'POST', path: '/urls', form: { url } });
    const id = res.body?.data?.id;
    if (!id) {
      throw new VendorError({
        vendor: VENDOR,
        status: res.status,
        code: 'BAD_RESPONSE',
        message: 'POST /urls answered without an analysis id',
        retryable: true,
      });
    }
    return id;
  }

  async analysis(id: string): Promise<VtAnalysis> {
    const res = await this.send<VtAnalysis>({ method: 'GET', path: `/analyses/${encodeURIComponent(id)}` });
    return res.body ?? {};
  }

  private send<T>(req: {
    method: string;
    path: string;
    form?: Record<string, string>;
    expect?: number[];
  }): Promise<HttpResponse<T>> {
    return this.state.budget.guard(VENDOR, () =>
      this.ctx.http.request<T>({
        ...req,
        headers: { 'x-apikey': this.apiKey },
        signal: this.ctx.signal,
        retryAfter: vtRetryAfter,
        parseError: vtParseError,
      }),
    );
  }
}
