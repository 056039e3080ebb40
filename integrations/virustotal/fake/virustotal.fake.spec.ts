import { createVirusTotalFake, VT_FAKE_API_KEY, type VirusTotalFake } from './virustotal.fake';

const EICAR_SHA256 = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f';

/** Raw HTTP against the fake: the documented shapes, independent of the adapter. */
describe('VirusTotal fake', () => {
  let fake: VirusTotalFake;
  let now: number;

  const call = async (
    method: string,
    path: string,
    init: { key?: string | null; form?: Record<string, string>; json?: unknown } = {},
  ) => {
    const headers: Record<string, string> = {};
    const key = init.key === undefined ? VT_FAKE_API_KEY : init.key;
    if (key) headers['x-apikey'] = key;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await fetch(`${fake.url}${path}`, { method, headers, body });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  beforeEach(async () => {
    now = Date.parse('2030-01-01T00:00:00Z');
    fake = createVirusTotalFake({ now: () => now });
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  it('refuses a missing or wrong x-apikey with VirusTotal’s 401 bodies', async () => {
    const missing = await call('GET', '/ip_addresses/8.8.8.8', { key: null });
    expect(missing).toMatchObject({
      status: 401,
      body: { error: { code: 'AuthenticationRequiredError', message: 'X-Apikey header is missing' } },
    });
    const wrong = await call('GET', '/ip_addresses/8.8.8.8', { key: 'nope' });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'WrongCredentialsError' } } });
  });

  it('serves the seeded objects in the v3 shape, files by any of their hashes', async () => {
    const file = await call('GET', `/files/${EICAR_SHA256}`);
    expect(file.status).toBe(200);
    expect(file.body.data).toMatchObject({
      id: EICAR_SHA256,
      type: 'file',
      links: { self: `${fake.url}/files/${EICAR_SHA256}` },
      attributes: {
        last_analysis_stats: { malicious: 62, suspicious: 0, undetected: 8, harmless: 0, timeout: 1 },
        md5: '44d88612fea8a8f36de82e1278abb02f',
      },
    });
    const results = Object.values<any>(file.body.data.attributes.last_analysis_results);
    expect(results.filter((r) => r.category === 'malicious')).toHaveLength(62);
    expect(results[0]).toMatchObject({
      category: 'malicious',
      result: 'EICAR-Test-File',
      method: 'blacklist',
    });
    expect((await call('GET', '/files/3395856ce81f2b7382dee72602f798b642f14140')).body.data.id).toBe(
      EICAR_SHA256,
    );

    expect(
      (await call('GET', '/ip_addresses/203.0.113.7')).body.data.attributes.last_analysis_stats.malicious,
    ).toBe(9);
    expect((await call('GET', '/domains/evil.example')).body.data.type).toBe('domain');
    const unseenIp = await call('GET', '/ip_addresses/192.0.2.99');
    expect(unseenIp.body.data.attributes.last_analysis_stats).toEqual({
      malicious: 0,
      suspicious: 0,
      undetected: 0,
      harmless: 0,
      timeout: 0,
    });
  });

  it('answers unknowns and bad arguments with the error envelope', async () => {
    expect(await call('GET', `/files/${'0'.repeat(64)}`)).toMatchObject({
      status: 404,
      body: { error: { code: 'NotFoundError', message: `File "${'0'.repeat(64)}" not found` } },
    });
    expect((await call('GET', '/files/xyz')).body.error.code).toBe('InvalidArgumentError');
    expect((await call('GET', '/ip_addresses/1.2.3')).status).toBe(400);
    expect((await call('GET', '/domains/unseen.example')).body.error.code).toBe('NotFoundError');
    expect((await call('GET', '/nothing/here')).body).toEqual({
      error: { code: 'NotFoundError', message: 'no route for GET /nothing/here' },
    });
  });

  it('finds URLs by unpadded base64url or SHA-256 of the canonical URL', async () => {
    const b64 = Buffer.from('http://evil.example/login').toString('base64url');
    const byB64 = await call('GET', `/urls/${b64}`);
    expect(byB64.status).toBe(200);
    expect((await call('GET', `/urls/${byB64.body.data.id}`)).body.data.attributes.url).toBe(
      'http://evil.example/login',
    );
    expect(
      (await call('GET', `/urls/${Buffer.from('https://nope.example/').toString('base64url')}`)).status,
    ).toBe(404);
  });

  it('moves a submitted URL through queued and in-progress to completed, then has its report', async () => {
    const url = 'https://evil.example/payload';
    expect((await call('POST', '/urls', { json: { url } })).status).toBe(400); // a form is required
    const submitted = await call('POST', '/urls', { form: { url } });
    expect(submitted.status).toBe(200);
    const { id, type, links } = submitted.body.data;
    expect(type).toBe('analysis');
    expect(id).toMatch(/^u-[0-9a-f]{64}-\d+$/);
    expect(links.self).toBe(`${fake.url}/analyses/${id}`);
    expect(fake.effects).toEqual([{ capability: 'intel.lookup', target: url }]);

    const b64 = Buffer.from(url).toString('base64url');
    expect((await call('GET', `/urls/${b64}`)).status).toBe(404);
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await call('GET', `/analyses/${id}`)).body.data.attributes.status);
    expect(statuses).toEqual(['queued', 'in-progress', 'completed']);
    const done = await call('GET', `/analyses/${id}`);
    expect(done.body.data.attributes.stats.malicious).toBeGreaterThan(0); // evil.example is listed
    expect(done.body.meta.url_info).toEqual({ id: expect.stringMatching(/^[0-9a-f]{64}$/), url });
    expect((await call('GET', `/urls/${b64}`)).status).toBe(200);
    expect((await call('GET', '/analyses/u-nope')).status).toBe(404);
  });

  it('answers 429 QuotaExceededError, with Retry-After unless told otherwise', async () => {
    fake.injectFaults([fake.rateLimitFault(9)]);
    const limited = await call('GET', '/ip_addresses/8.8.8.8');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('9');
    expect(limited.body).toEqual({ error: { code: 'QuotaExceededError', message: 'Quota exceeded' } });

    const bare = createVirusTotalFake({ retryAfterHeader: false });
    expect(bare.rateLimitFault(9).headers).toEqual({});
  });

  it('enforces a per-minute quota when given one', async () => {
    await fake.stop();
    fake = createVirusTotalFake({ quotaPerMinute: 2, now: () => now });
    await fake.start(0);
    expect((await call('GET', '/ip_addresses/8.8.8.8')).status).toBe(200);
    now += 20_000;
    expect((await call('GET', '/ip_addresses/8.8.8.8')).status).toBe(200);
    const limited = await call('GET', '/ip_addresses/8.8.8.8');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    now += 40_000;
    expect((await call('GET', '/ip_addresses/8.8.8.8')).status).toBe(200);
  });

  it('adds objects at run time over POST /__objects, unrecorded', async () => {
    const added = await call('POST', '/__objects', {
      json: { type: 'domain', key: 'bad.example', stats: { malicious: 5, harmless: 10 } },
    });
    expect(added.status).toBe(201);
    expect(
      (await call('GET', '/domains/bad.example')).body.data.attributes.last_analysis_stats.malicious,
    ).toBe(5);
    expect((await call('POST', '/__objects', { json: { type: 'rock', key: 'x' } })).status).toBe(400);
    expect(fake.calls.some((c) => c.path.startsWith('/__'))).toBe(false);
  });
});
