import { HttpClient } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { createSentinelOneFake, type S1FakeOptions, type SentinelOneFake } from './fake/sentinelone.fake';
import sentinelOne from './index';

const TOKEN = 's1-token';

describe('SentinelOne integration against its fake', () => {
  let fake: SentinelOneFake;
  const sleeps: number[] = [];
  const heartbeats: unknown[] = [];

  async function startFake(options: S1FakeOptions = {}): Promise<void> {
    fake = createSentinelOneFake({ apiToken: TOKEN, ...options });
    await fake.start(0);
  }
  beforeEach(async () => {
    sleeps.length = 0;
    heartbeats.length = 0;
    await startFake();
  });
  afterEach(() => fake.stop());

  function context(
    options: { token?: string; baseUrl?: string; settings?: Record<string, unknown> } = {},
  ): ActionContext {
    const baseUrl = options.baseUrl ?? fake.url;
    return {
      connection: {
        id: 'conn-1',
        baseUrl,
        settings: { baseUrl, pollIntervalMs: 0, ...options.settings },
        secrets: { apiToken: options.token ?? TOKEN },
      },
      idempotencyKey: 'run-1/step-1',
      http: new HttpClient({
        vendor: sentinelOne.manifest.vendor,
        baseUrl,
        sleep: async (ms) => void sleeps.push(ms),
      }),
      heartbeat: (d) => void heartbeats.push(d),
    };
  }
  const run = (ctx: ActionContext, action: string, input: Record<string, unknown>) =>
    sentinelOne.actions[action].run(ctx, input);
  const calls = (method: string, suffix: string) =>
    fake.calls.filter((c) => c.method === method && c.path.startsWith(`/web/api/v2.1${suffix}`));
  const actionPosts = () => calls('POST', '/agents/actions/');
  const idOf = (name: string) => fake.agentNamed(name)!.id;
  const query = (path: string) => Object.fromEntries(new URL(path, fake.url).searchParams);

  it('finds an agent by computer name and maps it to the edr.find_host contract', async () => {
    const host = await run(context(), 'find_agent', { hostname: 'WS-01' });
    expect(host).toEqual({
      host_id: idOf('WS-01'),
      hostname: 'WS-01',
      os: 'Windows 10 Pro 19045',
      ip: '10.20.1.15',
      status: 'normal',
      last_seen: expect.any(String),
    });
    expect(host.host_id).toMatch(/^\d{18,19}$/);
    const [get] = calls('GET', '/agents');
    expect(query(get.path)).toEqual({ computerName: 'WS-01', limit: '50' });
    expect(get.headers.authorization).toBe(`ApiToken ${TOKEN}`);
  });

  it('maps networkStatus to the capability’s status', async () => {
    expect(await run(context(), 'find_agent', { hostname: 'ws-lab-09' })).toMatchObject({
      hostname: 'WS-LAB-09',
      status: 'contained',
    });
    fake.agents.act(idOf('WS-01'), 'disconnect');
    expect(await run(context(), 'find_agent', { hostname: 'WS-01' })).toMatchObject({
      status: 'containment_pending',
    });
    expect(await run(context(), 'find_agent', { hostname: 'WS-01' })).toMatchObject({ status: 'contained' });
    fake.agents.act(idOf('WS-01'), 'connect');
    expect(await run(context(), 'find_agent', { hostname: 'WS-01' })).toMatchObject({
      status: 'release_pending',
    });
    expect(await run(context(), 'find_agent', { hostname: 'WS-01' })).toMatchObject({ status: 'normal' });
  });

  it('falls back to computerName__contains when computerName= minds case', async () => {
    await fake.stop();
    await startFake({ computerNameIgnoresCase: false });
    fake.addAgent({ computerName: 'SRV-DB-02-REPLICA' });
    const host = await run(context(), 'find_agent', { hostname: 'srv-db-02' });
    expect(host).toMatchObject({ host_id: idOf('SRV-DB-02'), hostname: 'SRV-DB-02' });
    expect(calls('GET', '/agents').map((c) => query(c.path))).toEqual([
      { computerName: 'srv-db-02', limit: '50' },
      { computerName__contains: 'srv-db-02', limit: '50' },
    ]);
  });

  it('takes the most recently active agent when a name was installed twice', async () => {
    fake.addAgent({
      computerName: 'WS-FIN-07',
      lastActiveDate: '2024-02-01T00:00:00.000000Z',
      ip: '10.20.7.40',
    });
    expect(await run(context(), 'find_agent', { hostname: 'WS-FIN-07' })).toMatchObject({ ip: '10.20.7.42' });
  });

  it('fails an unknown host with a non-retryable HOST_NOT_FOUND', async () => {
    const err = await caught(run(context(), 'find_agent', { hostname: 'WS-99' }));
    expect(err).toMatchObject({ vendor: 'SentinelOne', code: 'HOST_NOT_FOUND', retryable: false });
    expect(err.message).toBe('no SentinelOne agent named "WS-99"');
  });

  it('disconnects with one POST, polls networkStatus to disconnected, and does not POST again', async () => {
    const ctx = context();
    const id = idOf('WS-FIN-07');
    expect(await run(ctx, 'disconnect_agent', { host_id: id, comment: 'case 7' })).toEqual({
      host_id: id,
      status: 'contained',
      already: false,
    });
    expect(actionPosts()).toHaveLength(1);
    expect(actionPosts()[0]).toMatchObject({
      path: '/web/api/v2.1/agents/actions/disconnect',
      body: { filter: { ids: [id] }, data: {} },
    });
    expect(heartbeats).toEqual([{ agentId: id, networkStatus: 'disconnecting' }]);
    expect(fake.agents.peek(id)?.networkStatus).toBe('disconnected');

    expect(await run(ctx, 'disconnect_agent', { host_id: id })).toEqual({
      host_id: id,
      status: 'contained',
      already: true,
    });
    expect(actionPosts()).toHaveLength(1);
    expect(fake.effects).toEqual([{ capability: 'edr.isolate_host', target: id }]);
  });

  it('reconnects a disconnected agent, idempotently', async () => {
    const ctx = context();
    const id = idOf('WS-LAB-09'); // seeded disconnected
    expect(await run(ctx, 'connect_agent', { host_id: id })).toEqual({
      host_id: id,
      status: 'normal',
      already: false,
    });
    expect(actionPosts()[0]).toMatchObject({
      path: '/web/api/v2.1/agents/actions/connect',
      body: { filter: { ids: [id] }, data: {} },
    });
    expect(await run(ctx, 'connect_agent', { host_id: id })).toEqual({
      host_id: id,
      status: 'normal',
      already: true,
    });
    expect(await run(ctx, 'connect_agent', { host_id: idOf('WS-01') })).toMatchObject({ already: true });
    expect(actionPosts()).toHaveLength(1);
  });

  it('reports containment_pending for an offline agent, then already on a repeat', async () => {
    const ctx = context({ settings: { pollIntervalMs: 1, pollTimeoutMs: 5 } });
    const id = idOf('LAPTOP-OFF-05');
    expect(await run(ctx, 'disconnect_agent', { host_id: id })).toEqual({
      host_id: id,
      status: 'containment_pending',
      already: false,
    });
    expect(await run(ctx, 'disconnect_agent', { host_id: id })).toEqual({
      host_id: id,
      status: 'containment_pending',
      already: true,
    });
    expect(actionPosts()).toHaveLength(1);
  });

  it('treats affected: 0 as an unknown agent, and refuses an unknown id without acting', async () => {
    const id = idOf('WS-01');
    fake.injectFaults([{ status: 200, body: { data: { affected: 0 } }, match: { method: 'POST' } }]);
    const err = await caught(run(context(), 'disconnect_agent', { host_id: id }));
    expect(err).toMatchObject({ code: 'HOST_NOT_FOUND', retryable: false });
    expect(err.message).toBe(`SentinelOne's disconnect matched no agent with id "${id}" (affected: 0)`);

    const unknown = await caught(run(context(), 'disconnect_agent', { host_id: '1' }));
    expect(unknown).toMatchObject({ code: 'HOST_NOT_FOUND', retryable: false });
    expect(actionPosts()).toHaveLength(1);
  });

  it('surfaces SentinelOne’s error with vendor, status, code and message, never the token', async () => {
    const err = await caught(run(context({ token: 'wrong-token' }), 'find_agent', { hostname: 'WS-01' }));
    expect(err).toMatchObject({
      vendor: 'SentinelOne',
      status: 401,
      code: '4010010',
      message: 'Authentication Failed',
      retryable: false,
    });
    expect(JSON.stringify(err)).not.toContain('wrong-token');

    fake.injectFaults([
      {
        status: 400,
        body: { errors: [{ code: 4000010, title: 'Validation Error', detail: { ids: ['Bad id.'] } }] },
      },
    ]);
    const invalid = await caught(run(context(), 'find_agent', { hostname: 'WS-01' }));
    expect(invalid).toMatchObject({
      status: 400,
      code: '4000010',
      message: 'Validation Error: {"ids":["Bad id."]}',
    });
  });

  it('waits as Retry-After says after a 429, and rides out a 503', async () => {
    fake.rateLimitNext({ retryAfterSeconds: 4 });
    fake.injectFaults([{ status: 503 }]);
    const host = await run(context(), 'find_agent', { hostname: 'WS-01' });
    expect(host.hostname).toBe('WS-01');
    expect(sleeps[0]).toBe(4000);
    expect(sleeps).toHaveLength(2);
  });

  it('accepts a base URL that already ends in /web/api/v2.1', async () => {
    const host = await run(context({ baseUrl: `${fake.url}/web/api/v2.1` }), 'find_agent', {
      hostname: 'WS-01',
    });
    expect(host.hostname).toBe('WS-01');
    expect(calls('GET', '/agents')[0].path).toMatch(/^\/web\/api\/v2\.1\/agents\?/);
  });

  it('passes the health check, and fails it with a bad token', async () => {
    await expect(sentinelOne.healthCheck(context())).resolves.toBeUndefined();
    expect(calls('GET', '/agents')[0].path).toBe('/web/api/v2.1/agents?limit=1');
    await expect(sentinelOne.healthCheck(context({ token: 'nope' }))).rejects.toMatchObject({ status: 401 });
    await expect(
      sentinelOne.healthCheck({ ...context(), connection: { ...context().connection, secrets: {} } }),
    ).rejects.toMatchObject({ code: 'MISSING_CREDENTIALS' });
  });
});
