import {
  createFalconFake,
  FALCON_FAKE_CLIENT_ID,
  FALCON_FAKE_CLIENT_SECRET,
  type FalconFake,
} from './falcon.fake';

interface Envelope {
  meta: { trace_id: string; pagination?: { offset: number; limit: number; total: number } };
  resources: any[];
  errors: Array<{ code: number; message: string }>;
}

/** Raw HTTP against the fake: the documented shapes, independent of the adapter. */
describe('Falcon fake', () => {
  let fake: FalconFake;
  let token: string;

  const call = async (method: string, path: string, init: { body?: unknown; auth?: string | null } = {}) => {
    const headers: Record<string, string> = {};
    const auth = init.auth === undefined ? token : init.auth;
    if (auth) headers.authorization = `Bearer ${auth}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Envelope };
  };
  const filter = async (fql: string, extra = '') =>
    (await call('GET', `/devices/queries/devices/v1?filter=${encodeURIComponent(fql)}${extra}`)).body;
  const hostnames = (ids: string[]) => ids.map((id) => fake.devices.peek(id)!.hostname);

  beforeEach(async () => {
    fake = createFalconFake();
    await fake.start(0);
    const res = await fetch(`${fake.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: FALCON_FAKE_CLIENT_ID,
        client_secret: FALCON_FAKE_CLIENT_SECRET,
      }),
    });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(issued).toMatchObject({ token_type: 'bearer', expires_in: 1799 });
    token = issued.access_token;
  });
  afterEach(() => fake.stop());

  it('refuses bad credentials and missing tokens with the Falcon envelope', async () => {
    const bad = await fetch(`${fake.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=x&client_secret=y',
    });
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as Envelope).errors[0].message).toBe(
      'Failed to issue access token - Client authentication failed',
    );
    const anon = await call('GET', '/devices/queries/devices/v1', { auth: null });
    expect(anon.status).toBe(401);
    expect(anon.body).toMatchObject({ resources: [], errors: [{ code: 401 }] });
  });

  it('answers device queries in FQL with pagination meta and rate-limit headers', async () => {
    const partial = await filter("hostname:'ws-'");
    expect(hostnames(partial.resources)).toEqual(['WS-01', 'WS-FIN-07', 'WS-LAB-09']);
    expect(hostnames((await filter("hostname:['WS-01']")).resources)).toEqual(['WS-01']);
    expect((await filter("hostname:['ws-01']")).resources).toEqual([]);
    expect(hostnames((await filter("hostname:*'*DB*'")).resources)).toEqual(['SRV-DB-02']);
    expect(hostnames((await filter("platform_name:'windows'+status:'contained'")).resources)).toEqual([
      'WS-LAB-09',
    ]);
    expect(hostnames((await filter("hostname:['WS-01','SRV-DB-02']")).resources)).toEqual([
      'WS-01',
      'SRV-DB-02',
    ]);

    const page = await call('GET', '/devices/queries/devices/v1?limit=2&offset=1');
    expect(page.body.resources).toHaveLength(2);
    expect(page.body.meta.pagination).toEqual({ offset: 1, limit: 2, total: 5 });
    expect(page.headers.get('x-ratelimit-limit')).toBe('6000');
    expect(Number(page.headers.get('x-ratelimit-remaining'))).toBeLessThan(6000);

    const invalid = await call(
      'GET',
      `/devices/queries/devices/v1?filter=${encodeURIComponent('hostname=WS')}`,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].message).toMatch(/^Invalid filter/);
  });

  it('returns details for repeated and comma-separated ids, by GET and POST, and 404s unknown ones', async () => {
    const [a, b] = fake.devices.all().map((d) => d.device_id);
    expect((await call('GET', `/devices/entities/devices/v2?ids=${a}&ids=${b}`)).body.resources).toHaveLength(
      2,
    );
    expect((await call('GET', `/devices/entities/devices/v2?ids=${a},${b}`)).body.resources).toHaveLength(2);
    const posted = await call('POST', '/devices/entities/devices/v2', { body: { ids: [a] } });
    expect(posted.body.resources[0]).toMatchObject({
      device_id: a,
      hostname: 'WS-01',
      platform_name: 'Windows',
    });
    const missing = await call('GET', '/devices/entities/devices/v2?ids=ffff');
    expect(missing.status).toBe(404);
    expect(missing.body.errors).toEqual([{ code: 404, message: 'Device not found: ffff' }]);
  });

  it('moves a contained device through containment_pending to contained on reads', async () => {
    const id = fake.devices.all()[0].device_id;
    const action = await call('POST', '/devices/entities/devices-actions/v2?action_name=contain', {
      body: { ids: [id] },
    });
    expect(action.status).toBe(202);
    expect(action.body.resources).toEqual([{ id, path: expect.stringContaining(id) }]);
    const read = async () =>
      (await call('GET', `/devices/entities/devices/v2?ids=${id}`)).body.resources[0].status;
    expect(await read()).toBe('containment_pending');
    expect(await read()).toBe('contained');
    await call('POST', '/devices/entities/devices-actions/v2?action_name=lift_containment', {
      body: { ids: [id] },
    });
    expect(await read()).toBe('lift_containment_pending');
    expect(await read()).toBe('normal');

    expect(
      (
        await call('POST', '/devices/entities/devices-actions/v2?action_name=explode', {
          body: { ids: [id] },
        })
      ).status,
    ).toBe(400);
    const unknown = await call('POST', '/devices/entities/devices-actions/v2?action_name=contain', {
      body: { ids: ['ffff'] },
    });
    expect(unknown.status).toBe(404);
  });

  it('serves 429 with X-Ratelimit-Retryafter as epoch seconds', async () => {
    fake.rateLimitNext({ retryAfterSeconds: 30 });
    const limited = await call('GET', '/devices/queries/devices/v1');
    expect(limited.status).toBe(429);
    const at = Number(limited.headers.get('x-ratelimit-retryafter'));
    expect(at * 1000 - Date.now()).toBeGreaterThan(28_000);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');

    // A 429 injected over HTTP without the header still gets one.
    await fetch(`${fake.url}/__faults`, { method: 'POST', body: JSON.stringify([{ status: 429 }]) });
    const injected = await call('GET', '/devices/queries/devices/v1');
    expect(Number(injected.headers.get('x-ratelimit-retryafter'))).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000),
    );
  });

  it('adds devices at run time over POST /__devices, unrecorded', async () => {
    const res = await call('POST', '/__devices', {
      body: [{ hostname: 'NEW-01', platform_name: 'Linux', os_version: 'Debian 12' }],
    });
    expect(res.status).toBe(201);
    expect(hostnames((await filter("hostname:['NEW-01']")).resources)).toEqual(['NEW-01']);
    expect((await call('POST', '/__devices', { body: { platform_name: 'Linux' } })).status).toBe(400);
    expect(fake.calls.some((c) => c.path.startsWith('/__'))).toBe(false);
  });
});
