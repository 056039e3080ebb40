import { ABUSEIPDB_FAKE_API_KEY, createAbuseIpdbFake, type AbuseIpdbFake } from './abuseipdb.fake';

/** Raw HTTP against the fake: the documented shapes, independent of the adapter. */
describe('AbuseIPDB fake', () => {
  let fake: AbuseIpdbFake;
  let now: number;

  const check = async (query: string, key: string | null = ABUSEIPDB_FAKE_API_KEY) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (key) headers.key = key;
    const res = await fetch(`${fake.url}/check?${query}`, { headers });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  beforeEach(async () => {
    now = Date.parse('2030-01-01T22:00:00Z');
    fake = createAbuseIpdbFake({ now: () => now, dailyLimit: 3 });
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  it('refuses a missing or wrong Key with the JSON:API 401', async () => {
    for (const key of [null, 'nope']) {
      const res = await check('ipAddress=8.8.8.8', key);
      expect(res.status).toBe(401);
      expect(res.body.errors[0]).toMatchObject({
        status: 401,
        detail: expect.stringMatching(/^Authentication failed/),
      });
    }
  });

  it('answers /check with the documented fields, verbose adding reports', async () => {
    const res = await check('ipAddress=203.0.113.7&maxAgeInDays=90');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      ipAddress: '203.0.113.7',
      isPublic: true,
      ipVersion: 4,
      isWhitelisted: false,
      abuseConfidenceScore: 100,
      countryCode: 'NL',
      usageType: 'Data Center/Web Hosting/Transit',
      isp: 'Example Bulletproof Hosting',
      domain: 'bulletproof.example',
      hostnames: ['mail.bulletproof.example'],
      isTor: false,
      totalReports: 1532,
      numDistinctUsers: 311,
      lastReportedAt: '2030-01-01T22:00:00.000Z',
    });
    const verbose = await check('ipAddress=203.0.113.7&verbose');
    expect(verbose.body.data).toMatchObject({ countryName: 'Netherlands', reports: [expect.any(Object)] });
    const privateIp = await check('ipAddress=192.168.1.10');
    expect(privateIp.body.data).toMatchObject({
      isPublic: false,
      abuseConfidenceScore: 0,
      usageType: 'Reserved',
    });
  });

  it('rejects bad parameters with 422 naming the parameter', async () => {
    const badIp = await check('ipAddress=1.2.3');
    expect(badIp.status).toBe(422);
    expect(badIp.body.errors[0]).toMatchObject({ status: 422, source: { parameter: 'ipAddress' } });
    const badAge = await check('ipAddress=8.8.8.8&maxAgeInDays=366');
    expect(badAge.body.errors[0]).toEqual({
      detail: 'The max age in days must be between 1 and 365.',
      status: 422,
      source: { parameter: 'maxAgeInDays' },
    });
  });

  it('counts the daily limit in headers, then answers 429 until 00:00 UTC', async () => {
    const first = await check('ipAddress=8.8.8.8');
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    await check('ipAddress=8.8.8.8');
    expect((await check('ipAddress=8.8.8.8')).headers.get('x-ratelimit-remaining')).toBe('0');
    const limited = await check('ipAddress=8.8.8.8');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe(String(2 * 3600));
    expect(limited.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2030-01-02T00:00:00Z') / 1000));
    expect(limited.body.errors[0].detail).toBe(
      'Daily rate limit of 3 requests exceeded for this endpoint. See headers for additional details.',
    );
    now = Date.parse('2030-01-02T00:00:01Z');
    expect((await check('ipAddress=8.8.8.8')).status).toBe(200);
  });

  it('serves an injected rate-limit fault in the same shape', async () => {
    fake.injectFaults([fake.rateLimitFault(5)]);
    const limited = await check('ipAddress=8.8.8.8');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(Math.ceil(now / 1000) + 5);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('adds addresses over POST /__addresses, unrecorded', async () => {
    const res = await fetch(`${fake.url}/__addresses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ipAddress: '192.0.2.9', abuseConfidenceScore: 55, totalReports: 3 }),
    });
    expect(res.status).toBe(201);
    expect((await check('ipAddress=192.0.2.9')).body.data.abuseConfidenceScore).toBe(55);
    expect(fake.calls.some((c) => c.path.startsWith('/__'))).toBe(false);
  });
});
