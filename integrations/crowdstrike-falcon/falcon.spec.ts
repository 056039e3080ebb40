import { HttpClient, type HttpClientOptions } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { createFalconFake, type FalconFake } from './fake/falcon.fake';
import falcon from './index';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';

const CLIENT_ID = 'falcon-id';
const CLIENT_SECRET = 'falcon-secret';

describe('CrowdStrike Falcon integration against its fake', () => {
  let fake: FalconFake;
  let fakeNow: number;
  const sleeps: number[] = [];

  beforeEach(async () => {
    sleeps.length = 0;
    fakeNow = Date.parse('2030-01-01T00:00:00Z');
    fake = createFalconFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => fakeNow });
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  function context(options: { secret?: string; http?: Partial<HttpClientOptions> } = {}): ActionContext {
    const http = new HttpClient({
      vendor: falcon.manifest.vendor,
      baseUrl: fake.url,
      sleep: async (ms) => void sleeps.push(ms),
      ...options.http,
    });
    return {
      connection: {
        id: 'conn-1',
        baseUrl: fake.url,
        settings: { baseUrl: fake.url },
        secrets: { clientId: CLIENT_ID, clientSecret: options.secret ?? CLIENT_SECRET },
      },
      idempotencyKey: 'run-1/step-1',
      http,
    };
  }
  const run = (ctx: ActionContext, action: string, input: Record<string, unknown>) =>
    falcon.actions[action].run(ctx, input);
  const calls = (method: string, prefix: string) =>
    fake.calls.filter((c) => c.method === method && c.path.startsWith(prefix));
  const containPosts = () => calls('POST', '/devices/entities/devices-actions/v2');
  const idOf = (hostname: string) => fake.devices.all().find((d) => d.hostname === hostname)!.device_id;

  it('finds a host by exact hostname and maps it to the edr.find_host contract', async () => {
    const host = await run(context(), 'find_host', { hostname: 'WS-01' });
    expect(host).toEqual({
      host_id: idOf('WS-01'),
      hostname: 'WS-01',
      os: 'Windows 10',
      ip: '10.20.1.15',
      status: 'normal',
      last_seen: expect.any(String),
    });
    expect(host.host_id).toMatch(/^[0-9a-f]{32}$/);
    const [query] = calls('GET', '/devices/queries/devices/v1');
    expect(new URL(query.path, fake.url).searchParams.get('filter')).toBe("hostname:['WS-01']");
    expect(calls('GET', '/devices/entities/devices/v2')[0].path).toBe(
      `/devices/entities/devices/v2?ids=${host.host_id}`,
    );
    expect(calls('POST', '/oauth2/token')[0].body).toEqual({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it('matches a hostname regardless of case, as the capability promises', async () => {
    const host = await run(context(), 'find_host', { hostname: 'srv-db-02' });
    expect(host).toMatchObject({ hostname: 'SRV-DB-02', os: 'Linux RHEL 9.3' });
  });

  it('fails an unknown host with a non-retryable HOST_NOT_FOUND', async () => {
    const err = await caught(run(context(), 'find_host', { hostname: 'WS-99' }));
    expect(err).toMatchObject({ vendor: 'CrowdStrike', code: 'HOST_NOT_FOUND', retryable: false });
    expect(err.message).toBe('no Falcon host named "WS-99"');
  });

  it('contains a host with exactly one POST, and a second call does not POST again', async () => {
    const ctx = context();
    const aid = idOf('WS-FIN-07');
    expect(await run(ctx, 'contain_host', { host_id: aid, comment: 'case 7' })).toEqual({
      host_id: aid,
      status: 'containment_pending',
      already: false,
    });
    expect(containPosts()).toHaveLength(1);
    expect(containPosts()[0]).toMatchObject({
      path: '/devices/entities/devices-actions/v2?action_name=contain',
      body: { ids: [aid] },
    });

    expect(await run(ctx, 'contain_host', { host_id: aid })).toEqual({
      host_id: aid,
      status: 'containment_pending',
      already: true,
    });
    // The pending state settled on that read: Falcon now reports the host contained.
    expect(await run(ctx, 'contain_host', { host_id: aid })).toEqual({
      host_id: aid,
      status: 'contained',
      already: true,
    });
    expect(containPosts()).toHaveLength(1);
    // One token served all of it.
    expect(calls('POST', '/oauth2/token')).toHaveLength(1);
  });

  it('lifts containment, idempotently', async () => {
    const ctx = context();
    const aid = idOf('WS-LAB-09'); // seeded contained
    expect(await run(ctx, 'lift_containment', { host_id: aid })).toEqual({
      host_id: aid,
      status: 'release_pending',
      already: false,
    });
    expect(await run(ctx, 'lift_containment', { host_id: aid })).toEqual({
      host_id: aid,
      status: 'release_pending',
      already: true,
    });
    expect(await run(ctx, 'find_host', { hostname: 'WS-LAB-09' })).toMatchObject({ status: 'normal' });
    const posts = containPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      path: '/devices/entities/devices-actions/v2?action_name=lift_containment',
      body: { ids: [aid] },
    });

    expect(await run(ctx, 'lift_containment', { host_id: idOf('WS-01') })).toMatchObject({
      status: 'normal',
      already: true,
    });
    expect(containPosts()).toHaveLength(1);
  });

  it('refuses an unknown AID without acting', async () => {
    const err = await caught(run(context(), 'contain_host', { host_id: '0'.repeat(32) }));
    expect(err).toMatchObject({ code: 'HOST_NOT_FOUND', retryable: false });
    expect(containPosts()).toHaveLength(0);
  });

  it('reports bad credentials as a non-retryable auth error, without the secret', async () => {
    const err = await caught(run(context({ secret: 'wrong-secret' }), 'find_host', { hostname: 'WS-01' }));
    expect(err).toMatchObject({ vendor: 'CrowdStrike', status: 403, code: 'AUTH_FAILED', retryable: false });
    expect(err.message).toContain('Failed to issue access token - Client authentication failed');
    expect(JSON.stringify(err)).not.toContain('wrong-secret');
    expect(calls('POST', '/oauth2/token')).toHaveLength(1);
  });

  it('waits until X-Ratelimit-Retryafter (epoch seconds) after a 429, then succeeds', async () => {
    const ctx = context({ http: { now: () => fakeNow } });
    fake.rateLimitNext({ retryAfterSeconds: 5, match: { pathPrefix: '/devices/queries/' } });
    const host = await run(ctx, 'find_host', { hostname: 'WS-01' });
    expect(host.hostname).toBe('WS-01');
    expect(sleeps).toEqual([5000]);
    expect(calls('GET', '/devices/queries/devices/v1')).toHaveLength(2);
  });

  it('fetches a new token when Falcon says the cached one expired', async () => {
    const ctx = context();
    await run(ctx, 'find_host', { hostname: 'WS-01' });
    fakeNow += 1800 * 1000; // the fake's token is dead; the adapter's cache does not know yet
    await run(ctx, 'find_host', { hostname: 'WS-01' });
    expect(calls('POST', '/oauth2/token')).toHaveLength(2);
  });

  it('passes the health check, and fails it with bad credentials', async () => {
    await expect(falcon.healthCheck(context())).resolves.toBeUndefined();
    expect(calls('GET', '/devices/queries/devices/v1')[0].path).toBe('/devices/queries/devices/v1?limit=1');
    await expect(falcon.healthCheck(context({ secret: 'nope' }))).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
  });

  it('sends member_cid when the connection names a child CID', async () => {
    const ctx = context();
    ctx.connection.settings.memberCid = 'abcdef0123456789abcdef0123456789';
    await falcon.healthCheck(ctx);
    expect(calls('POST', '/oauth2/token')[0].body).toMatchObject({
      member_cid: 'abcdef0123456789abcdef0123456789',
    });
  });
});
