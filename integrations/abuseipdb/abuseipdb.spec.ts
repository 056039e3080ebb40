import { HttpClient } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { verdictOf } from './abuseipdb.verdict';
import {
  ABUSEIPDB_FAKE_API_KEY,
  createAbuseIpdbFake,
  type AbuseFakeOptions,
  type AbuseIpdbFake,
} from './fake/abuseipdb.fake';
import abuseipdb from './index';

describe('AbuseIPDB integration against its fake', () => {
  let fake: AbuseIpdbFake;
  const sleeps: number[] = [];

  async function startFake(options: AbuseFakeOptions = {}): Promise<void> {
    await fake?.stop();
    fake = createAbuseIpdbFake(options);
    await fake.start(0);
  }
  beforeEach(async () => {
    sleeps.length = 0;
    await startFake();
  });
  afterEach(() => fake.stop());

  function context(
    options: { settings?: Record<string, unknown>; apiKey?: string; id?: string; http?: HttpClient } = {},
  ): ActionContext {
    return {
      connection: {
        id: options.id ?? 'conn-abuse',
        baseUrl: fake.url,
        settings: { baseUrl: fake.url, ...options.settings },
        secrets: { apiKey: options.apiKey ?? ABUSEIPDB_FAKE_API_KEY },
      },
      idempotencyKey: 'run-1/step-1',
      http:
        options.http ??
        new HttpClient({ vendor: 'AbuseIPDB', baseUrl: fake.url, sleep: async (ms) => void sleeps.push(ms) }),
    };
  }
  const lookup = (ctx: ActionContext, value: string, type = 'IP') =>
    abuseipdb.actions.check_ip.run(ctx, { type, value }) as Promise<Record<string, any>>;

  it('maps /check to the intel.lookup contract, with the vendor headers', async () => {
    const out = await lookup(context(), '203.0.113.7');
    expect(out).toEqual({
      type: 'IP',
      value: '203.0.113.7',
      verdict: 'malicious',
      score: 100,
      source: 'AbuseIPDB',
      details: {
        countryCode: 'NL',
        isp: 'Example Bulletproof Hosting',
        usageType: 'Data Center/Web Hosting/Transit',
        totalReports: 1532,
        isTor: false,
        numDistinctUsers: 311,
        lastReportedAt: expect.any(String),
        isWhitelisted: false,
        isPublic: true,
        ipVersion: 4,
        domain: 'bulletproof.example',
        hostnames: ['mail.bulletproof.example'],
      },
      link: 'https://www.abuseipdb.com/check/203.0.113.7',
    });
    const [call] = fake.calls;
    expect(call.path).toBe('/check?ipAddress=203.0.113.7&maxAgeInDays=90');
    expect(call.headers.key).toBe(ABUSEIPDB_FAKE_API_KEY);
    expect(call.headers.accept).toBe('application/json');
  });

  it('turns the confidence score into a verdict at the configured thresholds', async () => {
    const ctx = context();
    expect(await lookup(ctx, '8.8.8.8')).toMatchObject({
      verdict: 'harmless',
      score: 0,
      details: { isWhitelisted: true, totalReports: 41 },
    });
    expect(await lookup(ctx, '198.51.100.23')).toMatchObject({ verdict: 'suspicious', score: 40 });
    expect(await lookup(ctx, '192.0.2.66')).toMatchObject({ verdict: 'malicious', details: { isTor: true } });
    expect(await lookup(ctx, '192.0.2.123')).toMatchObject({
      verdict: 'harmless',
      score: 0,
      details: { totalReports: 0 },
    });
    expect(await lookup(ctx, '10.1.2.3')).toMatchObject({ verdict: 'unknown', details: { isPublic: false } });

    const strict = context({ settings: { maliciousScore: 90, suspiciousScore: 50 } });
    expect(await lookup(strict, '192.0.2.66')).toMatchObject({ verdict: 'suspicious', score: 88 });
    expect(await lookup(strict, '198.51.100.23')).toMatchObject({ verdict: 'harmless', score: 40 });
  });

  it('sends maxAgeInDays from the settings; older reports then do not count', async () => {
    const out = await lookup(context({ settings: { maxAgeInDays: 7 } }), '198.51.100.23');
    expect(fake.calls[0].path).toBe('/check?ipAddress=198.51.100.23&maxAgeInDays=7');
    expect(out).toMatchObject({ verdict: 'harmless', score: 0, details: { totalReports: 0 } });
  });

  it('refuses other observable types for good, naming the type, before spending quota', async () => {
    const err = await caught(lookup(context(), 'evil.example', 'DOMAIN'));
    expect(err).toMatchObject({ vendor: 'AbuseIPDB', code: 'UNSUPPORTED_TYPE', retryable: false });
    expect(err.message).toBe('AbuseIPDB looks up IP addresses only, not DOMAIN');
    await expect(lookup(context(), 'not-an-ip')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      retryable: false,
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('spends one check per IP per connection while the cache holds it', async () => {
    const http = new HttpClient({ vendor: 'AbuseIPDB', baseUrl: fake.url });
    const ctx = context({ http });
    await lookup(ctx, '203.0.113.7');
    await lookup(ctx, ' 203.0.113.7 ');
    expect(fake.calls).toHaveLength(1);
    await lookup(context({ http, id: 'conn-other-tenant' }), '203.0.113.7');
    expect(fake.calls).toHaveLength(2);
    const uncached = context({ http, settings: { cacheTtlSeconds: 0 } });
    await lookup(uncached, '8.8.8.8');
    await lookup(uncached, '8.8.8.8');
    expect(fake.calls).toHaveLength(4);
  });

  it('refuses retryably until the UTC reset once the daily limit is spent', async () => {
    const ctx = context({ settings: { dailyLimit: 2 } });
    await lookup(ctx, '203.0.113.7');
    await lookup(ctx, '8.8.8.8');
    const err = await caught(lookup(ctx, '192.0.2.66'));
    expect(err).toMatchObject({ vendor: 'AbuseIPDB', code: 'RATE_BUDGET_EXHAUSTED', retryable: true });
    expect(err.message).toContain('2 checks per day');
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(Math.abs(err.retryAfterMs! - (midnight.getTime() - Date.now()))).toBeLessThan(5000);
    expect(fake.calls).toHaveLength(2);
  });

  it('stops when AbuseIPDB says no checks are left, before it has to say 429', async () => {
    await startFake({ dailyLimit: 1 });
    const ctx = context({ settings: { dailyLimit: 0 } });
    await lookup(ctx, '203.0.113.7'); // answered with X-RateLimit-Remaining: 0
    await expect(lookup(ctx, '8.8.8.8')).rejects.toMatchObject({ code: 'RATE_BUDGET_EXHAUSTED' });
    expect(fake.calls).toHaveLength(1);
  });

  it('waits out a short 429 and hands a daily-limit 429 to Temporal with the reset', async () => {
    fake.injectFaults([fake.rateLimitFault(3)]);
    expect(await lookup(context(), '8.8.8.8')).toMatchObject({ verdict: 'harmless' });
    expect(sleeps).toEqual([3000]);

    await startFake({ dailyLimit: 0 });
    const err = await caught(lookup(context({ settings: { dailyLimit: 0 } }), '8.8.8.8'));
    expect(err).toMatchObject({ vendor: 'AbuseIPDB', status: 429, code: '429', retryable: true });
    expect(err.message).toContain('Daily rate limit of 0 requests exceeded');
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(fake.calls).toHaveLength(1);
  });

  it("surfaces AbuseIPDB's own error for a bad key, never the key", async () => {
    const err = await caught(lookup(context({ apiKey: 'wrong-key' }), '8.8.8.8'));
    expect(err).toMatchObject({ vendor: 'AbuseIPDB', status: 401, code: '401', retryable: false });
    expect(err.message).toMatch(
      /^Authentication failed\. Your API key is either missing, incorrect, or revoked/,
    );
    expect(JSON.stringify(err)).not.toContain('wrong-key');
  });

  it('passes the health check with the key, and fails it without', async () => {
    await expect(abuseipdb.healthCheck(context())).resolves.toBeUndefined();
    expect(fake.calls[0].path).toBe('/check?ipAddress=8.8.8.8&maxAgeInDays=1');
    await expect(abuseipdb.healthCheck(context({ apiKey: 'nope' }))).rejects.toMatchObject({ status: 401 });
  });
});

describe('AbuseIPDB verdicts', () => {
  const t = { maliciousScore: 75, suspiciousScore: 25 };
  it.each([
    [{ abuseConfidenceScore: 75 }, 'malicious'],
    [{ abuseConfidenceScore: 74 }, 'suspicious'],
    [{ abuseConfidenceScore: 25 }, 'suspicious'],
    [{ abuseConfidenceScore: 24, totalReports: 3 }, 'harmless'],
    [{ abuseConfidenceScore: 0, totalReports: 0 }, 'harmless'],
    [{ abuseConfidenceScore: 0, isPublic: false }, 'unknown'],
  ] as const)('%j → %s', (data, verdict) => {
    expect(verdictOf({ ipAddress: '192.0.2.1', ...data }, t)).toBe(verdict);
  });
});
