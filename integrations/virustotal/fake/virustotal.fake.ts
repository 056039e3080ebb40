import { isIP } from 'node:net';
import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import {
  canonicalUrl,
  DEFAULT_OBJECTS,
  engineResults,
  sha256,
  VtObjectStore,
  type VtFakeObjectInput,
  type VtFakeStats,
} from './objects';

export type { VtFakeObject, VtFakeObjectInput } from './objects';

export interface VtFakeOptions {
  apiKey?: string;
  /** Replaces the seeded objects (see DEFAULT_OBJECTS). */
  objects?: VtFakeObjectInput[];
  /** Reads of a new URL analysis that still find it pending (`queued`, then `in-progress`). Default 2. */
  pendingReads?: number;
  /** The fake's own per-minute quota, like a public key's 4; 0 (default) = none. */
  quotaPerMinute?: number;
  /** Whether a 429 carries `Retry-After` (VirusTotal's rate-limit headers are unconfirmed). Default true. */
  retryAfterHeader?: boolean;
  now?: () => number;
}

export const VT_FAKE_API_KEY = 'fake-virustotal-api-key';

const ERROR_CODES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'AuthenticationRequiredError',
  403: 'ForbiddenError',
  404: 'NotFoundError',
  409: 'AlreadyExistsError',
  424: 'FailedDependencyError',
  429: 'QuotaExceededError',
  503: 'TransientError',
  504: 'DeadlineExceededError',
};

interface Analysis {
  id: string;
  url: string;
  date: number;
  reads: number;
  stats: VtFakeStats;
  detection?: string;
}

/**
 * A local VirusTotal API v3: `x-apikey` auth, file / IP / domain / URL reports, URL submission
 * with an analysis that moves `queued` → `in-progress` → `completed` as it is read, the
 * `{"error": {code, message}}` shape, and a per-minute quota answered with QuotaExceededError.
 */
export class VirusTotalFake extends RecordingFakeServer {
  readonly objects: VtObjectStore;
  private readonly apiKey: string;
  private readonly pendingReads: number;
  private readonly quotaPerMinute: number;
  private readonly retryAfterHeader: boolean;
  private readonly now: () => number;
  private readonly analyses = new Map<string, Analysis>();
  private readonly recent: number[] = [];

  constructor(options: VtFakeOptions = {}) {
    super();
    this.apiKey = options.apiKey ?? VT_FAKE_API_KEY;
    this.pendingReads = options.pendingReads ?? 2;
    this.quotaPerMinute = options.quotaPerMinute ?? 0;
    this.retryAfterHeader = options.retryAfterHeader ?? true;
    this.now = options.now ?? Date.now;
    this.objects = new VtObjectStore(options.objects ?? DEFAULT_OBJECTS, this.now);

    this.route(
      'GET',
      '/files/:id',
      this.authed((req) => this.file(req.params.id)),
    );
    this.route(
      'GET',
      '/ip_addresses/:ip',
      this.authed((req) => this.ip(req.params.ip)),
    );
    this.route(
      'GET',
      '/domains/:domain',
      this.authed((req) => this.domain(req.params.domain)),
    );
    this.route(
      'GET',
      '/urls/:id',
      this.authed((req) => this.urlReport(req.params.id)),
    );
    this.route(
      'POST',
      '/urls',
      this.authed((req) => this.submitUrl(req)),
    );
    this.route(
      'GET',
      '/analyses/:id',
      this.authed((req) => this.readAnalysis(req.params.id)),
    );
    this.route('GET', '/__objects', () => ({ status: 200, body: { data: this.objects.all() } }));
    this.route('POST', '/__objects', (req) => {
      const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as VtFakeObjectInput[];
      try {
        return { status: 201, body: { data: inputs.map((o) => this.objects.add(o)) } };
      } catch (err) {
        return error(400, 'BadRequestError', (err as Error).message);
      }
    });
  }

  /** VirusTotal's quota answer; `Retry-After` unless the fake was built without it. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: this.retryAfterHeader ? { 'Retry-After': String(retryAfterSeconds) } : {},
      body: { error: { code: 'QuotaExceededError', message: 'Quota exceeded' } },
    };
  }

  private authed(handler: FakeHandler): FakeHandler {
    return (req) => {
      const key = req.headers['x-apikey'];
      if (!key) return error(401, 'AuthenticationRequiredError', 'X-Apikey header is missing');
      if (key !== this.apiKey) return error(401, 'WrongCredentialsError', 'Wrong API key');
      const limited = this.spendQuota();
      return limited ?? handler(req);
    };
  }

  private spendQuota(): FakeResponse | undefined {
    if (this.quotaPerMinute <= 0) return undefined;
    const now = this.now();
    while (this.recent.length && this.recent[0] <= now - 60_000) this.recent.shift();
    if (this.recent.length >= this.quotaPerMinute) {
      const fault = this.rateLimitFault(Math.max(1, Math.ceil((this.recent[0] + 60_000 - now) / 1000)));
      return { status: fault.status, headers: fault.headers, body: fault.body };
    }
    this.recent.push(now);
    return undefined;
  }

  private file(id: string): FakeResponse {
    if (!/^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/i.test(id))
      return error(400, 'InvalidArgumentError', `"${id}" is not a valid file hash`);
    const file = this.objects.get('file', id);
    return file
      ? { status: 200, body: this.envelope(file) }
      : error(404, 'NotFoundError', `File "${id}" not found`);
  }

  /** VirusTotal answers for any valid address; one it knows nothing about has empty stats. */
  private ip(ip: string): FakeResponse {
    if (!isIP(ip)) return error(400, 'InvalidArgumentError', `"${ip}" is not a valid IP address`);
    const known = this.objects.get('ip_address', ip);
    const object = known ?? {
      id: ip.toLowerCase(),
      type: 'ip_address' as const,
      attributes: {
        last_analysis_stats: { malicious: 0, suspicious: 0, undetected: 0, harmless: 0, timeout: 0 },
        last_analysis_results: {},
        reputation: 0,
        tags: [],
      },
    };
    return { status: 200, body: this.envelope(object) };
  }

  private domain(domain: string): FakeResponse {
    const object = this.objects.get('domain', domain);
    return object
      ? { status: 200, body: this.envelope(object) }
      : error(404, 'NotFoundError', `Domain "${domain}" not found`);
  }

  /** `id` is the SHA-256 of the canonical URL or the URL in unpadded base64url. */
  private urlReport(id: string): FakeResponse {
    const hash = /^[0-9a-f]{64}$/i.test(id)
      ? id.toLowerCase()
      : sha256(canonicalUrl(Buffer.from(id, 'base64url').toString('utf8')));
    const object = this.objects.get('url', hash);
    return object
      ? { status: 200, body: this.envelope(object) }
      : error(404, 'NotFoundError', `URL "${id}" not found`);
  }

  private submitUrl(req: FakeRequest): FakeResponse {
    const url = (req.body as { url?: unknown } | undefined)?.url;
    if (
      !req.headers['content-type']?.includes('application/x-www-form-urlencoded') ||
      typeof url !== 'string'
    )
      return error(400, 'BadRequestError', 'Expected a form field "url"');
    const canonical = canonicalUrl(url);
    if (!canonical.trim()) return error(400, 'InvalidArgumentError', 'Unable to canonicalize url');
    const hash = sha256(canonical);
    const date = Math.floor(this.now() / 1000);
    const id = `u-${hash}-${date}`;
    if (!this.analyses.has(id)) {
      const host = hostOf(canonical);
      const domain = host ? this.objects.get('domain', host) : undefined;
      const bad = (domain?.attributes.last_analysis_stats.malicious ?? 0) > 0;
      this.analyses.set(id, {
        id,
        url: canonical,
        date,
        reads: 0,
        stats: bad
          ? { malicious: 7, suspicious: 1, undetected: 22, harmless: 64, timeout: 0 }
          : { malicious: 0, suspicious: 0, undetected: 24, harmless: 70, timeout: 0 },
        detection: bad ? 'phishing' : undefined,
      });
      this.recordEffect('intel.lookup', canonical);
    }
    return {
      status: 200,
      body: { data: { type: 'analysis', id, links: { self: `${this.url}/analyses/${id}` } } },
    };
  }

  /** Each read moves a new analysis on; once completed, the URL has a report of its own. */
  private readAnalysis(id: string): FakeResponse {
    const analysis = this.analyses.get(id);
    if (!analysis) return error(404, 'NotFoundError', `Analysis "${id}" not found`);
    analysis.reads++;
    const status =
      analysis.reads > this.pendingReads ? 'completed' : analysis.reads === 1 ? 'queued' : 'in-progress';
    const hash = sha256(analysis.url);
    if (status === 'completed' && !this.objects.get('url', hash)) {
      this.objects.add({
        type: 'url',
        key: analysis.url,
        stats: analysis.stats,
        detection: analysis.detection,
      });
    }
    const done = status === 'completed';
    return {
      status: 200,
      body: {
        data: {
          id,
          type: 'analysis',
          links: { self: `${this.url}/analyses/${id}`, item: `${this.url}/urls/${hash}` },
          attributes: {
            date: analysis.date,
            status,
            stats: done
              ? analysis.stats
              : { malicious: 0, suspicious: 0, undetected: 0, harmless: 0, timeout: 0 },
            results: done ? engineResults(analysis.stats, analysis.detection) : {},
          },
        },
        meta: { url_info: { id: hash, url: analysis.url } },
      },
    };
  }

  private envelope(object: { id: string; type: string; attributes: Record<string, unknown> }) {
    const plural = object.type === 'ip_address' ? 'ip_addresses' : `${object.type}s`;
    return { data: { ...object, links: { self: `${this.url}/${plural}/${object.id}` } } };
  }

  protected override errorBody(status: number, message: string): unknown {
    return { error: { code: ERROR_CODES[status] ?? 'InternalError', message } };
  }
}

/** Starts nothing: call `start()` on the result. */
export function createVirusTotalFake(options: VtFakeOptions = {}): VirusTotalFake {
  return new VirusTotalFake(options);
}

function error(status: number, code: string, message: string): FakeResponse {
  return { status, body: { error: { code, message } } };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
