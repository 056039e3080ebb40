import { isIP } from 'node:net';
import {
  RecordingFakeServer,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import { DEFAULT_ADDRESSES, isPublicAddress, type AbuseFakeAddressInput } from './addresses';

export type { AbuseFakeAddressInput } from './addresses';

export interface AbuseFakeOptions {
  apiKey?: string;
  /** Replaces the seeded addresses (see DEFAULT_ADDRESSES). */
  addresses?: AbuseFakeAddressInput[];
  /** The key's daily /check limit (the free tier's 1,000 by default); resets at 00:00 UTC. */
  dailyLimit?: number;
  now?: () => number;
}

export const ABUSEIPDB_FAKE_API_KEY = 'fake-abuseipdb-api-key';

const AUTH_FAILED =
  'Authentication failed. Your API key is either missing, incorrect, or revoked. ' +
  'Note: The APIv2 key differs from the APIv1 key.';

/**
 * A local AbuseIPDB APIv2 `/check`: the `Key` header, JSON:API errors, `maxAgeInDays` and
 * `verbose`, and a daily limit counted in `X-RateLimit-Limit` / `X-RateLimit-Remaining` on every
 * answer, with `Retry-After` and `X-RateLimit-Reset` on the 429.
 */
export class AbuseIpdbFake extends RecordingFakeServer {
  private readonly apiKey: string;
  private readonly dailyLimit: number;
  private readonly now: () => number;
  private readonly addresses = new Map<string, AbuseFakeAddressInput>();
  private used = 0;
  private day = '';

  constructor(options: AbuseFakeOptions = {}) {
    super();
    this.apiKey = options.apiKey ?? ABUSEIPDB_FAKE_API_KEY;
    this.dailyLimit = options.dailyLimit ?? 1000;
    this.now = options.now ?? Date.now;
    for (const address of options.addresses ?? DEFAULT_ADDRESSES) this.addAddress(address);

    this.route('GET', '/check', (req) => this.check(req));
    this.route('GET', '/__addresses', () => ({ status: 200, body: { data: [...this.addresses.values()] } }));
    this.route('POST', '/__addresses', (req) => {
      const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as AbuseFakeAddressInput[];
      if (!inputs.every((a) => a && isIP(String(a.ipAddress))))
        return error(400, 'every address needs a valid ipAddress');
      inputs.forEach((a) => this.addAddress(a));
      return { status: 201, body: { data: inputs } };
    });
  }

  addAddress(input: AbuseFakeAddressInput): void {
    this.addresses.set(input.ipAddress.toLowerCase(), input);
  }

  /** AbuseIPDB's 429: `Retry-After` in seconds and `X-RateLimit-Reset` as an epoch time. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: {
        'Retry-After': String(retryAfterSeconds),
        'X-RateLimit-Reset': String(Math.ceil(this.now() / 1000) + retryAfterSeconds),
        'X-RateLimit-Remaining': '0',
      },
      body: {
        errors: [
          {
            detail: `Daily rate limit of ${this.dailyLimit} requests exceeded for this endpoint. See headers for additional details.`,
            status: 429,
          },
        ],
      },
    };
  }

  private check(req: FakeRequest): FakeResponse {
    if (req.headers.key !== this.apiKey) return error(401, AUTH_FAILED);
    const limited = this.spend();
    if (limited) return limited;

    const ip = (req.query.get('ipAddress') ?? '').trim();
    if (!isIP(ip))
      return error(
        422,
        'The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).',
        'ipAddress',
      );
    const rawAge = req.query.get('maxAgeInDays');
    const maxAge = rawAge === null || rawAge === '' ? 30 : Number(rawAge);
    if (!Number.isInteger(maxAge) || maxAge < 1 || maxAge > 365)
      return error(422, 'The max age in days must be between 1 and 365.', 'maxAgeInDays');

    const known = this.addresses.get(ip.toLowerCase());
    const isPublic = known?.isPublic ?? isPublicAddress(ip);
    const daysAgo = known?.lastReportedDaysAgo ?? 0;
    const reported = !!known && isPublic && daysAgo <= maxAge;
    const data: Record<string, unknown> = {
      ipAddress: ip,
      isPublic,
      ipVersion: isIP(ip),
      isWhitelisted: known?.isWhitelisted ?? (isPublic ? false : null),
      abuseConfidenceScore: reported ? (known.abuseConfidenceScore ?? 0) : 0,
      countryCode: known?.countryCode ?? null,
      usageType: known?.usageType ?? (isPublic ? null : 'Reserved'),
      isp: known?.isp ?? null,
      domain: known?.domain ?? null,
      hostnames: known?.hostnames ?? [],
      isTor: known?.isTor ?? false,
      totalReports: reported ? (known.totalReports ?? 0) : 0,
      numDistinctUsers: reported ? (known.numDistinctUsers ?? 0) : 0,
      lastReportedAt: reported ? new Date(this.now() - daysAgo * 86_400_000).toISOString() : null,
    };
    if (req.query.has('verbose')) {
      data.countryName = known?.countryName ?? null;
      data.reports = reported
        ? [{ reportedAt: data.lastReportedAt, comment: 'seeded report', categories: [18, 22], reporterId: 1 }]
        : [];
    }
    return { status: 200, body: { data } };
  }

  /** Counts one check against today's limit, or answers the 429 AbuseIPDB gives past it. */
  private spend(): FakeResponse | undefined {
    const now = this.now();
    const today = new Date(now).toISOString().slice(0, 10);
    if (today !== this.day) {
      this.day = today;
      this.used = 0;
    }
    if (this.used >= this.dailyLimit) {
      const midnight = Date.parse(`${today}T00:00:00Z`) + 86_400_000;
      const fault = this.rateLimitFault(Math.ceil((midnight - now) / 1000));
      return { status: fault.status, headers: fault.headers, body: fault.body };
    }
    this.used++;
    return undefined;
  }

  protected override errorBody(status: number, message: string): unknown {
    return { errors: [{ detail: message, status }] };
  }

  /** Every answer says how many of today's checks are left, unless it already says so itself. */
  protected override responseHeaders(res: FakeResponse): Record<string, string> {
    const given = Object.keys(res.headers ?? {}).some((h) => h.toLowerCase() === 'x-ratelimit-remaining');
    return {
      'X-RateLimit-Limit': String(this.dailyLimit),
      ...(given ? {} : { 'X-RateLimit-Remaining': String(Math.max(0, this.dailyLimit - this.used)) }),
    };
  }
}

/** Starts nothing: call `start()` on the result. */
export function createAbuseIpdbFake(options: AbuseFakeOptions = {}): AbuseIpdbFake {
  return new AbuseIpdbFake(options);
}

function error(status: number, detail: string, parameter?: string): FakeResponse {
  return { status, body: { errors: [{ detail, status, ...(parameter ? { source: { parameter } } : {}) }] } };
}
