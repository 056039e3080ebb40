import { HttpClient, type HttpClientOptions } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { urlId } from './actions/observable';
import {
  createVirusTotalFake,
  VT_FAKE_API_KEY,
  type VirusTotalFake,
  type VtFakeOptions,
} from './fake/virustotal.fake';
import virustotal from './index';

const EICAR_SHA256 = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f';
const EICAR_MD5 = '44d88612fea8a8f36de82e1278abb02f';

describe('VirusTotal integration against its fake', () => {
  let fake: VirusTotalFake;
  const sleeps: number[] = [];

  async function startFake(options: VtFakeOptions = {}): Promise<void> {
    await fake?.stop();
    fake = createVirusTotalFake(options);
    await fake.start(0);
  }
  beforeEach(async () => {
    sleeps.length = 0;
    await startFake();
  });
  afterEach(() => fake.stop());

  function context(
    options: {
      settings?: Record<string, unknown>;
      apiKey?: string;
      id?: string;
      http?: HttpClient;
      heartbeat?: ActionContext['heartbeat'];
      httpOptions?: Partial<HttpClientOptions>;
    } = {},
  ): ActionContext {
    const http =
      options.http ??
      new HttpClient({
        vendor: 'VirusTotal',
        baseUrl: fake.url,
        sleep: async (ms) => void sleeps.push(ms),
        ...options.httpOptions,
      });
    return {
      connection: {
        id: options.id ?? 'conn-vt',
        baseUrl: fake.url,
        // Unlimited unless a test is about the quota, so a test never waits on the real clock.
        settings: { baseUrl: fake.url, pollIntervalMs: 0, requestsPerMinute: 0, ...options.settings },
        secrets: { apiKey: options.apiKey ?? VT_FAKE_API_KEY },
      },
      idempotencyKey: 'run-1/step-1',
      http,
      heartbeat: options.heartbeat,
    };
  }
  const lookup = (ctx: ActionContext, type: string, value: string) =>
    virustotal.actions.lookup.run(ctx, { type, value }) as Promise<Record<string, any>>;
  const vendorCalls = () => fake.calls.map((c) => `${c.method} ${c.path}`);

  it('maps a file report: verdict, banded score, engine counts, facts and the GUI link', async () => {
    const out = await lookup(context(), 'FILE_HASH', EICAR_SHA256.toUpperCase());
    expect(out).toEqual({
      type: 'FILE_HASH',
      value: EICAR_SHA256,
      verdict: 'malicious',
      score: 89, // 62 of 70 engines with an opinion
      source: 'VirusTotal',
      details: expect.objectContaining({
        malicious: 62,
        suspicious: 0,
        harmless: 0,
        undetected: 8,
        timeout: 1,
        engines: 71,
        detection_names: ['EICAR-Test-File'],
        meaningful_name: 'eicar.com',
        sha256: EICAR_SHA256,
        md5: EICAR_MD5,
        reputation: -1024,
        last_analysis_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
      link: `https://www.virustotal.com/gui/file/${EICAR_SHA256}`,
    });
    expect(vendorCalls()).toEqual([`GET /files/${EICAR_SHA256}`]);
    expect(fake.calls[0].headers['x-apikey']).toBe(VT_FAKE_API_KEY);
  });

  it('finds a file by MD5 and links to its SHA-256 page', async () => {
    const out = await lookup(context(), 'FILE_HASH', EICAR_MD5);
    expect(out).toMatchObject({ value: EICAR_MD5, verdict: 'malicious' });
    expect(out.link).toBe(`https://www.virustotal.com/gui/file/${EICAR_SHA256}`);
  });

  it('answers "unknown" for a hash VirusTotal has never seen: not an error', async () => {
    const out = await lookup(context(), 'FILE_HASH', '0'.repeat(64));
    expect(out).toMatchObject({ verdict: 'unknown', score: 0, details: { found: false } });
    expect(fake.calls).toHaveLength(1);
  });

  it('judges IPs and domains by their engine counts', async () => {
    const ctx = context();
    expect(await lookup(ctx, 'IP', '203.0.113.7')).toMatchObject({
      verdict: 'malicious',
      score: 75, // 9 + 2/2 of 94 is 11 %, held up to the malicious band
      details: { malicious: 9, suspicious: 2, country: 'NL', as_owner: 'Example Bulletproof Hosting' },
      link: 'https://www.virustotal.com/gui/ip-address/203.0.113.7',
    });
    expect(await lookup(ctx, 'IP', '8.8.8.8')).toMatchObject({ verdict: 'harmless', score: 0 });
    expect(await lookup(ctx, 'IP', '198.51.100.23')).toMatchObject({ verdict: 'suspicious', score: 25 });
    expect(await lookup(ctx, 'IP', '192.0.2.200')).toMatchObject({ verdict: 'unknown', score: 0 });
    expect(await lookup(ctx, 'DOMAIN', 'Evil.Example.')).toMatchObject({
      value: 'evil.example',
      verdict: 'malicious',
      details: { registrar: 'Example Registrar, Inc.', tags: ['phishing'] },
      link: 'https://www.virustotal.com/gui/domain/evil.example',
    });
    expect(await lookup(ctx, 'DOMAIN', 'unseen.example')).toMatchObject({ verdict: 'unknown' });
  });

  it('applies the engine thresholds from the connection settings', async () => {
    const strict = context({ settings: { maliciousEngines: 10, suspiciousEngines: 3 } });
    expect(await lookup(strict, 'IP', '203.0.113.7')).toMatchObject({ verdict: 'suspicious' });
    expect(await lookup(strict, 'IP', '198.51.100.23')).toMatchObject({ verdict: 'harmless' });
  });

  it('reads a known URL by its unpadded base64url identifier', async () => {
    const out = await lookup(context(), 'URL', 'http://evil.example/login');
    expect(vendorCalls()).toEqual([`GET /urls/${urlId('http://evil.example/login')}`]);
    expect(fake.calls[0].path).not.toContain('=');
    expect(out).toMatchObject({ verdict: 'malicious', details: { title: 'Sign in to your account' } });
    expect(out.link).toMatch(/^https:\/\/www\.virustotal\.com\/gui\/url\/[0-9a-f]{64}$/);
  });

  it('submits an unseen URL, polls the analysis to completed with heartbeats, then caches the answer', async () => {
    const beats: unknown[] = [];
    const ctx = context({ heartbeat: (d) => beats.push(d), settings: { pollIntervalMs: 20 } });
    const out = await lookup(ctx, 'URL', 'https://evil.example/invoice.zip');
    const id = urlId('https://evil.example/invoice.zip');
    expect(vendorCalls()).toEqual([
      `GET /urls/${id}`,
      'POST /urls',
      expect.stringMatching(/^GET \/analyses\/u-[0-9a-f]{64}-\d+$/),
      expect.stringMatching(/^GET \/analyses\//),
      expect.stringMatching(/^GET \/analyses\//),
    ]);
    expect(fake.calls[1].body).toEqual({ url: 'https://evil.example/invoice.zip' });
    expect(fake.calls[1].headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(beats).toEqual([
      { analysisId: expect.any(String), status: 'queued' },
      { analysisId: expect.any(String), status: 'queued' },
      { analysisId: expect.any(String), status: 'in-progress' },
    ]);
    // Poll waits go through the client's sleep where the kit has one (recorded here), else a timer.
    expect(sleeps).toEqual('wait' in HttpClient.prototype ? [20, 20, 20] : []);
    expect(out).toMatchObject({
      verdict: 'malicious',
      details: { submitted: true, analysis_id: expect.stringMatching(/^u-/), malicious: 7 },
    });
    expect(out.link).toMatch(/gui\/url\/[0-9a-f]{64}$/);
    expect(fake.effects).toEqual([
      { capability: 'intel.lookup', target: 'https://evil.example/invoice.zip' },
    ]);

    // Same connection, same URL: the cache answers and no quota is spent.
    fake.resetCalls();
    expect(await lookup(ctx, 'URL', 'https://evil.example/invoice.zip')).toEqual(out);
    expect(fake.calls).toHaveLength(0);
    // Without the cache the report is now found, and nothing is submitted again.
    await lookup(context({ settings: { cacheTtlSeconds: 0 } }), 'URL', 'https://evil.example/invoice.zip');
    expect(vendorCalls()).toEqual([`GET /urls/${id}`]);
  });

  it('answers "unknown" for an unseen URL when submitting is switched off', async () => {
    const out = await lookup(
      context({ settings: { submitUnseenUrls: false } }),
      'URL',
      'https://new.example/',
    );
    expect(out).toMatchObject({ verdict: 'unknown', link: expect.stringContaining('/gui/search/') });
    expect(fake.calls.map((c) => c.method)).toEqual(['GET']);
  });

  it('gives up on a slow analysis retryably, within its bound', async () => {
    await startFake({ pendingReads: 100 });
    const err = await caught(
      lookup(context({ settings: { analysisTimeoutSeconds: 0 } }), 'URL', 'https://slow.example/'),
    );
    expect(err).toMatchObject({ vendor: 'VirusTotal', code: 'ANALYSIS_PENDING', retryable: true });
    expect(err.message).toMatch(/^the URL analysis u-[0-9a-f]{64}-\d+ is still queued; retry later$/);
  });

  it('stops polling retryably when the quota would hold the next read past the bound', async () => {
    await startFake({ pendingReads: 100 });
    const ctx = context({ settings: { requestsPerMinute: 3, analysisTimeoutSeconds: 30 } });
    const err = await caught(lookup(ctx, 'URL', 'https://slow.example/'));
    expect(err).toMatchObject({ code: 'ANALYSIS_PENDING', retryable: true });
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
    expect(fake.calls.map((c) => c.method)).toEqual(['GET', 'POST', 'GET']);
  });

  it('spends quota once for repeated lookups, per connection', async () => {
    const http = new HttpClient({ vendor: 'VirusTotal', baseUrl: fake.url });
    const ctx = context({ http });
    await lookup(ctx, 'IP', '203.0.113.7');
    await lookup(ctx, 'IP', '203.0.113.7');
    await lookup(ctx, 'DOMAIN', 'evil.example');
    expect(fake.calls).toHaveLength(2);
    // Another tenant's connection has its own cache.
    await lookup(context({ http, id: 'conn-other-tenant' }), 'IP', '203.0.113.7');
    expect(fake.calls).toHaveLength(3);
    // cacheTtlSeconds 0: every lookup asks.
    const uncached = context({ http, settings: { cacheTtlSeconds: 0 } });
    await lookup(uncached, 'IP', '8.8.8.8');
    await lookup(uncached, 'IP', '8.8.8.8');
    expect(fake.calls).toHaveLength(5);
  });

  it('refuses retryably, without calling, once the per-minute budget is spent', async () => {
    const ctx = context({ settings: { requestsPerMinute: 2 } });
    await lookup(ctx, 'IP', '203.0.113.7');
    await lookup(ctx, 'IP', '8.8.8.8');
    const err = await caught(lookup(ctx, 'DOMAIN', 'evil.example'));
    expect(err).toMatchObject({ vendor: 'VirusTotal', code: 'RATE_BUDGET_EXHAUSTED', retryable: true });
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(err.message).toMatch(/quota is spent \(2 requests per minute\); retry in \d+ s$/);
    expect(fake.calls).toHaveLength(2);
    // A cached answer still comes back: it costs nothing.
    expect(await lookup(ctx, 'IP', '8.8.8.8')).toMatchObject({ verdict: 'harmless' });

    const premium = context({ settings: { requestsPerMinute: 0, requestsPerDay: 0, cacheTtlSeconds: 0 } });
    for (let i = 0; i < 6; i++) await lookup(premium, 'IP', '8.8.8.8');
    expect(fake.calls).toHaveLength(8);
  });

  it('holds a public key to 4 requests a minute when the connection says nothing', async () => {
    const ctx = context({ settings: { requestsPerMinute: undefined } });
    for (const ip of ['203.0.113.7', '8.8.8.8', '198.51.100.23', '192.0.2.1']) await lookup(ctx, 'IP', ip);
    await expect(lookup(ctx, 'IP', '192.0.2.2')).rejects.toMatchObject({ code: 'RATE_BUDGET_EXHAUSTED' });
    expect(fake.calls).toHaveLength(4);
  });

  it('waits out a QuotaExceededError that names a Retry-After', async () => {
    fake.injectFaults([fake.rateLimitFault(7)]);
    expect(await lookup(context(), 'IP', '8.8.8.8')).toMatchObject({ verdict: 'harmless' });
    expect(sleeps).toEqual([7000]);
    expect(fake.calls).toHaveLength(2);
  });

  it('hands a QuotaExceededError without Retry-After to Temporal, and holds the connection meanwhile', async () => {
    await startFake({ retryAfterHeader: false });
    fake.injectFaults([fake.rateLimitFault(60)]);
    const ctx = context();
    const err = await caught(lookup(ctx, 'IP', '8.8.8.8'));
    expect(err).toMatchObject({
      vendor: 'VirusTotal',
      status: 429,
      code: 'QuotaExceededError',
      retryable: true,
      retryAfterMs: 61_000,
    });
    expect(err.message).toContain('Quota exceeded');
    expect(fake.calls).toHaveLength(1);
    const held = await caught(lookup(ctx, 'IP', '203.0.113.7'));
    expect(held).toMatchObject({ code: 'RATE_BUDGET_EXHAUSTED', retryable: true });
    expect(fake.calls).toHaveLength(1);
  });

  it("surfaces VirusTotal's error for a wrong key, never the key", async () => {
    const err = await caught(lookup(context({ apiKey: 'not-the-key' }), 'IP', '8.8.8.8'));
    expect(err).toMatchObject({
      vendor: 'VirusTotal',
      status: 401,
      code: 'WrongCredentialsError',
      message: 'Wrong API key',
      retryable: false,
    });
    expect(JSON.stringify(err)).not.toContain('not-the-key');
    await expect(lookup(context({ apiKey: '' }), 'IP', '8.8.8.8')).rejects.toMatchObject({
      code: 'MISSING_CREDENTIALS',
    });
  });

  it('refuses malformed observables before spending quota', async () => {
    for (const [type, value] of [
      ['FILE_HASH', 'abc123'],
      ['IP', '999.1.1.1'],
      ['DOMAIN', 'not a domain'],
      ['EMAIL', 'a@b.example'],
      ['URL', '  '],
    ]) {
      await expect(lookup(context(), type, value)).rejects.toMatchObject({
        code: 'BAD_INPUT',
        retryable: false,
      });
    }
    expect(fake.calls).toHaveLength(0);
  });

  it('passes the health check with the key, and fails it without', async () => {
    await expect(virustotal.healthCheck(context())).resolves.toBeUndefined();
    expect(vendorCalls()).toEqual(['GET /ip_addresses/8.8.8.8']);
    await expect(virustotal.healthCheck(context({ apiKey: 'nope' }))).rejects.toMatchObject({
      status: 401,
      code: 'WrongCredentialsError',
    });
  });
});
