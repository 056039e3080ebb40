import { createSentinelOneFake, S1_FAKE_API_TOKEN, type SentinelOneFake } from './sentinelone.fake';

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** Raw HTTP against the fake: the documented shapes, independent of the adapter. */
describe('SentinelOne fake', () => {
  let fake: SentinelOneFake;

  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; token?: string | null } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = {};
    const token = init.token === undefined ? S1_FAKE_API_TOKEN : init.token;
    if (token) headers.authorization = `ApiToken ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${fake.url}/web/api/v2.1${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const names = (answer: Answer) =>
    (answer.body.data as Array<{ computerName: string }>).map((a) => a.computerName);
  const idOf = (name: string) => fake.agentNamed(name)!.id;

  beforeEach(async () => {
    fake = createSentinelOneFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  it('refuses a missing or wrong token with SentinelOne’s 401 envelope', async () => {
    for (const token of [null, 'wrong']) {
      const res = await call('GET', '/agents', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ code: 4010010, detail: null, title: 'Authentication Failed' }] });
    }
    // A bearer token is not an API token.
    const bearer = await fetch(`${fake.url}/web/api/v2.1/agents`, {
      headers: { authorization: `Bearer ${S1_FAKE_API_TOKEN}` },
    });
    expect(bearer.status).toBe(401);
  });

  it('filters agents by exact name, substring, ids and status, with cursor paging', async () => {
    expect(names(await call('GET', '/agents?computerName=ws-01'))).toEqual(['WS-01']);
    expect(names(await call('GET', '/agents?computerName=WS'))).toEqual([]);
    expect(names(await call('GET', '/agents?computerName__contains=ws-,db'))).toEqual([
      'WS-01',
      'WS-FIN-07',
      'SRV-DB-02',
      'WS-LAB-09',
    ]);
    expect(names(await call('GET', `/agents?ids=${idOf('WS-01')},${idOf('SRV-DB-02')}`))).toEqual([
      'WS-01',
      'SRV-DB-02',
    ]);
    expect(names(await call('GET', '/agents?networkStatuses=disconnected'))).toEqual(['WS-LAB-09']);
    expect(names(await call('GET', '/agents?osTypes=linux'))).toEqual(['SRV-DB-02']);

    const first = await call('GET', '/agents?limit=2');
    expect(first.body.pagination).toEqual({ totalItems: 5, nextCursor: expect.any(String) });
    const second = await call('GET', `/agents?limit=2&cursor=${first.body.pagination.nextCursor}`);
    expect(names(second)).toEqual(['SRV-DB-02', 'LAPTOP-OFF-05']);
    expect((await call('GET', '/agents?countOnly=true')).body.pagination.totalItems).toBe(5);
    expect((await call('GET', '/agents/count?osTypes=windows')).body).toEqual({ data: { total: 4 } });

    const record = (await call('GET', '/agents?computerName=WS-01')).body.data[0];
    expect(record).toMatchObject({
      id: expect.stringMatching(/^\d{19}$/),
      uuid: expect.stringMatching(/^[0-9a-f]{32}$/),
      networkStatus: 'connected',
      isActive: true,
      osType: 'windows',
      lastIpToMgmt: '10.20.1.15',
      networkInterfaces: [expect.objectContaining({ inet: ['10.20.1.15'] })],
    });
  });

  it('answers validation errors with code 4000010', async () => {
    const unknown = await call('GET', '/agents?hostname=WS-01');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toEqual({
      code: 4000010,
      title: 'Validation Error',
      detail: { hostname: ['Unknown field.'] },
    });
    expect((await call('GET', '/agents?limit=1001')).status).toBe(400);
    expect((await call('GET', '/agents?networkStatuses=offline')).status).toBe(400);
    expect((await call('POST', '/agents/actions/disconnect', { body: { data: {} } })).status).toBe(400);
    expect(
      (await call('POST', '/agents/actions/disconnect', { body: { filter: {}, data: {} } })).status,
    ).toBe(400);
    expect(fake.effects).toEqual([]);
  });

  it('disconnects through disconnecting to disconnected, and reconnects through connecting', async () => {
    const id = idOf('WS-01');
    const disconnect = await call('POST', '/agents/actions/disconnect', {
      body: { filter: { ids: [id] }, data: {} },
    });
    expect(disconnect).toMatchObject({ status: 200, body: { data: { affected: 1 } } });
    const status = async () => (await call('GET', `/agents?ids=${id}`)).body.data[0].networkStatus;
    expect(await status()).toBe('disconnecting');
    expect(await status()).toBe('disconnected');
    expect(await status()).toBe('disconnected');

    // Asked again, the agent still counts as affected, but nothing changes.
    const again = await call('POST', '/agents/actions/disconnect', {
      body: { filter: { ids: id }, data: {} },
    });
    expect(again.body.data.affected).toBe(1);
    expect(fake.effects).toEqual([{ capability: 'edr.isolate_host', target: id }]);

    await call('POST', '/agents/actions/connect', { body: { filter: { ids: `${id}` }, data: {} } });
    expect(await status()).toBe('connecting');
    expect(await status()).toBe('connected');
  });

  it('answers affected: 0 when the filter matches no agent, and keeps an offline agent disconnecting', async () => {
    const none = await call('POST', '/agents/actions/disconnect', {
      body: { filter: { ids: ['1'] }, data: {} },
    });
    expect(none).toMatchObject({ status: 200, body: { data: { affected: 0 } } });

    const offline = idOf('LAPTOP-OFF-05');
    await call('POST', '/agents/actions/disconnect', {
      body: { filter: { computerName: 'LAPTOP-OFF-05' }, data: {} },
    });
    for (let i = 0; i < 3; i++) {
      expect((await call('GET', `/agents?ids=${offline}`)).body.data[0].networkStatus).toBe('disconnecting');
    }
  });

  it('serves 429 with Retry-After and the error envelope', async () => {
    fake.rateLimitNext({ retryAfterSeconds: 12 });
    const limited = await call('GET', '/agents');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('12');
    expect(limited.body.errors[0]).toMatchObject({ code: 4290010, title: 'Too Many Requests' });

    await fetch(`${fake.url}/__faults`, {
      method: 'POST',
      body: JSON.stringify([{ status: 429 }, { status: 500 }]),
    });
    const injected = await call('GET', '/agents');
    expect(injected.headers.get('retry-after')).toBe('1');
    const crashed = await call('GET', '/agents');
    expect(crashed.body.errors[0]).toEqual({
      code: 5000010,
      title: 'Internal server error',
      detail: 'Server could not process the request.',
    });
  });

  it('adds agents at run time over POST /__agents, unrecorded', async () => {
    const res = await fetch(`${fake.url}/__agents`, {
      method: 'POST',
      body: JSON.stringify({ computerName: 'NEW-01', osType: 'linux', networkStatus: 'disconnected' }),
    });
    expect(res.status).toBe(201);
    expect(names(await call('GET', '/agents?computerName=NEW-01'))).toEqual(['NEW-01']);
    const bad = await fetch(`${fake.url}/__agents`, {
      method: 'POST',
      body: JSON.stringify({ networkStatus: 'x' }),
    });
    expect(bad.status).toBe(400);
    expect(fake.calls.some((c) => c.path.startsWith('/__'))).toBe(false);
  });
});
