import { HttpClient, type HttpClientOptions } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { createMdeFake, EICAR_SHA1, type MdeFake } from './fake/microsoft-defender-endpoint.fake';
import mde from './index';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT_ID = '99999999-8888-4777-8666-555555555555';
const CLIENT_SECRET = 'mde-secret';
const OTHER_SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

describe('Microsoft Defender for Endpoint integration against its fake', () => {
  let fake: MdeFake;
  let fakeNow: number;
  const sleeps: number[] = [];
  const heartbeats: unknown[] = [];

  beforeEach(async () => {
    sleeps.length = 0;
    heartbeats.length = 0;
    fakeNow = Date.parse('2030-01-01T00:00:00Z');
    fake = createMdeFake({
      tenantId: TENANT,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      now: () => fakeNow,
    });
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  function context(
    options: { secret?: string; settings?: Record<string, unknown>; http?: Partial<HttpClientOptions> } = {},
  ): ActionContext {
    const http = new HttpClient({
      vendor: mde.manifest.vendor,
      baseUrl: fake.url,
      sleep: async (ms) => void sleeps.push(ms),
      ...options.http,
    });
    return {
      connection: {
        id: 'conn-1',
        baseUrl: fake.url,
        settings: {
          baseUrl: fake.url,
          loginUrl: fake.url,
          tenantId: TENANT,
          pollIntervalMs: 0,
          ...options.settings,
        },
        secrets: { clientId: CLIENT_ID, clientSecret: options.secret ?? CLIENT_SECRET },
      },
      idempotencyKey: 'run-1/step-1',
      http,
      heartbeat: (d) => void heartbeats.push(d),
    };
  }
  const run = (ctx: ActionContext, action: string, input: Record<string, unknown>) =>
    mde.actions[action].run(ctx, input);
  const calls = (method: string, prefix: string) =>
    fake.calls.filter((c) => c.method === method && c.path.startsWith(prefix));
  const actionPosts = () =>
    fake.calls.filter((c) => c.method === 'POST' && c.path.startsWith('/api/machines/'));
  const idOf = (dnsName: string) => fake.machineNamed(dnsName)!.id;
  const filterOf = (path: string) => new URL(path, fake.url).searchParams.get('$filter');

  it('finds a machine by its short name and maps it to the edr.find_host contract', async () => {
    const host = await run(context(), 'find_machine', { hostname: 'WS-01' });
    expect(host).toEqual({
      host_id: idOf('ws-01.contoso.com'),
      hostname: 'ws-01',
      os: 'Windows10 22H2',
      ip: '10.20.1.15',
      status: 'normal',
      last_seen: expect.any(String),
    });
    expect(host.host_id).toMatch(/^[0-9a-f]{40}$/);
    expect(filterOf(calls('GET', '/api/machines')[0].path)).toBe("startswith(computerDnsName,'ws-01')");
    expect(filterOf(calls('GET', '/api/machineactions')[0].path)).toBe(`machineId eq '${host.host_id}'`);
    const [token] = calls('POST', `/${TENANT}/oauth2/v2.0/token`);
    expect(token.body).toEqual({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'client_credentials',
      scope: 'https://api.securitycenter.microsoft.com/.default',
    });
    expect(calls('GET', '/api/machines')[0].headers.authorization).toMatch(/^Bearer /);
  });

  it('matches a fully qualified name, and a bare workgroup name, regardless of case', async () => {
    expect(await run(context(), 'find_machine', { hostname: 'SRV-DB-02.Contoso.com' })).toMatchObject({
      hostname: 'srv-db-02',
      os: 'Linux RHEL 9.3',
    });
    // WS-LAB-09 is seeded isolated: the status comes from its last Isolate action.
    expect(await run(context(), 'find_machine', { hostname: 'WS-LAB-09' })).toMatchObject({
      hostname: 'ws-lab-09',
      status: 'contained',
    });
  });

  it('takes the most recently seen record when a name was onboarded twice', async () => {
    const host = await run(context(), 'find_machine', { hostname: 'ws-fin-07' });
    expect(host).toMatchObject({ os: 'Windows11 23H2', ip: '10.20.7.42' });
  });

  it('fails an unknown name, and a longer name sharing the prefix, with HOST_NOT_FOUND', async () => {
    fake.addMachine({ computerDnsName: 'ws-010.contoso.com' });
    const err = await caught(run(context(), 'find_machine', { hostname: 'WS-0' }));
    expect(err).toMatchObject({ vendor: 'Microsoft', code: 'HOST_NOT_FOUND', retryable: false });
    expect(err.message).toBe('no Defender machine named "WS-0"');
  });

  it('isolates with one POST, polls the MachineAction to Succeeded, and does not POST again', async () => {
    const ctx = context();
    const id = idOf('ws-fin-07.contoso.com');
    expect(await run(ctx, 'isolate_machine', { host_id: id, comment: 'case 7' })).toEqual({
      host_id: id,
      status: 'contained',
      already: false,
    });
    expect(actionPosts()).toHaveLength(1);
    expect(actionPosts()[0]).toMatchObject({
      path: `/api/machines/${id}/isolate`,
      body: { Comment: 'case 7 [cordon:run-1/step-1]', IsolationType: 'Full' },
    });
    // Pending → InProgress → Succeeded: three reads of the action, a heartbeat before each.
    expect(calls('GET', '/api/machineactions/')).toHaveLength(3);
    expect(heartbeats).toEqual([
      expect.objectContaining({ type: 'Isolate', status: 'Pending' }),
      expect.objectContaining({ status: 'Pending' }),
      expect.objectContaining({ status: 'InProgress' }),
    ]);
    expect(fake.store.state(id)?.isolated).toBe(true);

    expect(await run(ctx, 'isolate_machine', { host_id: id })).toEqual({
      host_id: id,
      status: 'contained',
      already: true,
    });
    expect(actionPosts()).toHaveLength(1);
    expect(fake.effects).toEqual([{ capability: 'edr.isolate_host', target: id }]);
    expect(calls('POST', `/${TENANT}/oauth2/v2.0/token`)).toHaveLength(1);
  });

  it('treats Defender’s 400 "Action is already in progress" as already requested', async () => {
    const ctx = context({ settings: { pollTimeoutMs: 0 } });
    const id = idOf('ws-01.contoso.com');
    expect(await run(ctx, 'isolate_machine', { host_id: id })).toMatchObject({
      status: 'containment_pending',
      already: false,
    });
    // Another caller's view: the action list read misses the pending isolation (a race).
    fake.injectFaults([
      { status: 200, body: { value: [] }, match: { method: 'GET', pathPrefix: '/api/machineactions' } },
    ]);
    expect(await run(ctx, 'isolate_machine', { host_id: id })).toEqual({
      host_id: id,
      status: 'containment_pending',
      already: true,
    });
    expect(actionPosts()).toHaveLength(2);
    expect(fake.effects).toHaveLength(1);
  });

  it('reports containment_pending when the machine is offline, then already on a repeat', async () => {
    const ctx = context({ settings: { pollIntervalMs: 1, pollTimeoutMs: 5 } });
    const id = idOf('laptop-off-05.contoso.com');
    expect(await run(ctx, 'isolate_machine', { host_id: id })).toEqual({
      host_id: id,
      status: 'containment_pending',
      already: false,
    });
    const reads = calls('GET', '/api/machineactions/').length;
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(5);
    expect(await run(ctx, 'isolate_machine', { host_id: id })).toMatchObject({
      status: 'containment_pending',
      already: true,
    });
    expect(actionPosts()).toHaveLength(1);
  });

  it('fails with the action’s own status when Defender reports it Failed', async () => {
    const id = idOf('ws-01.contoso.com');
    fake.injectFaults([
      {
        status: 200,
        body: { id: 'a-1', type: 'Isolate', status: 'Failed', machineId: id },
        match: { method: 'GET', pathPrefix: '/api/machineactions/' },
      },
    ]);
    const err = await caught(run(context(), 'isolate_machine', { host_id: id }));
    expect(err).toMatchObject({ code: 'ACTION_FAILED', retryable: false });
    expect(err.message).toBe("Defender's Isolate action a-1 ended Failed");
  });

  it('releases an isolated machine, idempotently', async () => {
    const ctx = context();
    const id = idOf('ws-lab-09'); // seeded isolated
    expect(await run(ctx, 'release_machine', { host_id: id, comment: 'cleared' })).toEqual({
      host_id: id,
      status: 'normal',
      already: false,
    });
    expect(actionPosts()).toHaveLength(1);
    expect(actionPosts()[0]).toMatchObject({
      path: `/api/machines/${id}/unisolate`,
      body: { Comment: 'cleared [cordon:run-1/step-1]' },
    });
    expect(fake.store.state(id)?.isolated).toBe(false);
    expect(await run(ctx, 'release_machine', { host_id: id })).toEqual({
      host_id: id,
      status: 'normal',
      already: true,
    });
    // A machine never isolated needs no release either.
    expect(await run(ctx, 'release_machine', { host_id: idOf('ws-01.contoso.com') })).toMatchObject({
      status: 'normal',
      already: true,
    });
    expect(actionPosts()).toHaveLength(1);
    expect(fake.effects).toEqual([{ capability: 'edr.release_host', target: id }]);
  });

  it('refuses an unknown machine id without acting', async () => {
    const err = await caught(run(context(), 'isolate_machine', { host_id: 'f'.repeat(40) }));
    expect(err).toMatchObject({ code: 'HOST_NOT_FOUND', status: 404, retryable: false });
    expect(actionPosts()).toHaveLength(0);
    // Quarantine has no state to read first: Defender's 404 on the POST says the same.
    const quarantine = await caught(
      run(context(), 'stop_and_quarantine_file', { host_id: 'f'.repeat(40), sha1: EICAR_SHA1 }),
    );
    expect(quarantine).toMatchObject({ code: 'HOST_NOT_FOUND', status: 404, retryable: false });
    expect(quarantine.message).toMatch(
      /^Defender has no machine with id "f{40}": Machine f{40} was not found$/,
    );
    expect(fake.effects).toEqual([]);
  });

  it('stops and quarantines a file by SHA-1, and finds its own action on a repeat', async () => {
    const ctx = context();
    const id = idOf('ws-01.contoso.com');
    const first = await run(ctx, 'stop_and_quarantine_file', {
      host_id: id,
      sha1: EICAR_SHA1.toUpperCase(),
      sha256: 'ignored',
      comment: 'EICAR',
    });
    expect(first).toEqual({
      host_id: id,
      action_id: expect.any(String),
      status: 'succeeded',
      already: false,
    });
    expect(actionPosts()[0]).toMatchObject({
      path: `/api/machines/${id}/StopAndQuarantineFile`,
      body: { Comment: 'EICAR [cordon:run-1/step-1]', Sha1: EICAR_SHA1 },
    });
    expect(fake.store.state(id)?.quarantined).toEqual([EICAR_SHA1]);

    const second = await run(ctx, 'stop_and_quarantine_file', { host_id: id, sha1: EICAR_SHA1 });
    expect(second).toEqual({ ...first, already: true });
    expect(actionPosts()).toHaveLength(1);
  });

  it('reports a quarantine Defender could not carry out as failed', async () => {
    const id = idOf('ws-01.contoso.com');
    expect(await run(context(), 'stop_and_quarantine_file', { host_id: id, sha1: OTHER_SHA1 })).toMatchObject(
      {
        status: 'failed',
        already: false,
      },
    );
  });

  it('asks for the SHA-1 when only a SHA-256 is given', async () => {
    const err = await caught(
      run(context(), 'stop_and_quarantine_file', {
        host_id: idOf('ws-01.contoso.com'),
        sha256: 'ab'.repeat(32),
      }),
    );
    expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(err.message).toMatch(/needs the file's SHA-1/);
    expect(fake.calls).toHaveLength(0);
  });

  it('surfaces Defender’s error with vendor, status, code and message', async () => {
    const err = await caught(
      run(context(), 'stop_and_quarantine_file', {
        host_id: idOf('srv-db-02.contoso.com'),
        sha1: EICAR_SHA1,
      }),
    );
    expect(err).toMatchObject({
      vendor: 'Microsoft',
      status: 400,
      code: 'OsPlatformNotSupported',
      message: 'The machine OS platform does not support this action',
      retryable: false,
    });
  });

  it('reports a wrong secret as a non-retryable auth error quoting Entra, without the secret', async () => {
    const err = await caught(run(context({ secret: 'wrong-secret' }), 'find_machine', { hostname: 'WS-01' }));
    expect(err).toMatchObject({ vendor: 'Microsoft', status: 401, code: 'AUTH_FAILED', retryable: false });
    expect(err.message).toBe(
      'authentication failed: AADSTS7000215: Invalid client secret provided. ' +
        'Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
    );
    expect(JSON.stringify(err)).not.toContain('wrong-secret');
  });

  it('reports an unknown tenant as an auth error', async () => {
    const err = await caught(
      run(context({ settings: { tenantId: 'nope' } }), 'find_machine', { hostname: 'WS-01' }),
    );
    expect(err).toMatchObject({ status: 400, code: 'AUTH_FAILED' });
    expect(err.message).toMatch(/AADSTS90002: Tenant 'nope' not found/);
  });

  it('waits as Retry-After says after a 429, then succeeds', async () => {
    fake.rateLimitNext({ retryAfterSeconds: 7, match: { pathPrefix: '/api/machines' } });
    const host = await run(context(), 'find_machine', { hostname: 'WS-01' });
    expect(host.hostname).toBe('ws-01');
    expect(sleeps).toEqual([7000]);
    expect(calls('GET', '/api/machines')).toHaveLength(2);
  });

  it('fetches a new token when Defender says the cached one expired', async () => {
    const ctx = context();
    await run(ctx, 'find_machine', { hostname: 'WS-01' });
    fakeNow += 3600 * 1000; // the fake's token is dead; the adapter's cache does not know yet
    await run(ctx, 'find_machine', { hostname: 'WS-01' });
    expect(calls('POST', `/${TENANT}/oauth2/v2.0/token`)).toHaveLength(2);
  });

  it('asks Entra on its own host when the login URL is not under the API base', async () => {
    const loginUrl = fake.url.replace('127.0.0.1', 'localhost');
    await run(context({ settings: { loginUrl } }), 'find_machine', { hostname: 'WS-01' });
    const [token] = calls('POST', `/${TENANT}/oauth2/v2.0/token`);
    expect(token.headers.host).toBe(new URL(loginUrl).host);
    expect(calls('GET', '/api/machines')[0].headers.host).toBe(new URL(fake.url).host);
  });

  it('passes the health check, and fails it with bad credentials', async () => {
    await expect(mde.healthCheck(context())).resolves.toBeUndefined();
    expect(calls('GET', '/api/machines')[0].path).toBe('/api/machines?%24top=1');
    await expect(mde.healthCheck(context({ secret: 'nope' }))).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });
});
