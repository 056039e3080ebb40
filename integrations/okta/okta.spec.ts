import { HttpClient } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { createOktaFake, type OktaFake } from './fake/okta.fake';
import okta from './index';

const TOKEN = '00test-okta-token';

describe('Okta integration against its fake', () => {
  let fake: OktaFake;
  let fakeNow: number;
  const sleeps: number[] = [];

  beforeEach(async () => {
    sleeps.length = 0;
    fakeNow = Date.parse('2030-01-01T00:00:00Z');
    fake = createOktaFake({ apiToken: TOKEN, now: () => fakeNow });
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  function context(token: string | null = TOKEN): ActionContext {
    const http = new HttpClient({
      vendor: okta.manifest.vendor,
      baseUrl: fake.url,
      sleep: async (ms) => void sleeps.push(ms),
    });
    return {
      connection: {
        id: 'conn-okta',
        baseUrl: fake.url,
        settings: { baseUrl: fake.url },
        secrets: token === null ? {} : { apiToken: token },
      },
      idempotencyKey: 'run-1/step-1',
      http,
    };
  }
  const run = (action: string, input: Record<string, unknown>, ctx = context()) =>
    okta.actions[action].run(ctx, input);
  const calls = (method: string, prefix: string) =>
    fake.calls.filter((c) => c.method === method && c.path.startsWith(prefix));
  const lifecyclePosts = () => calls('POST', '/api/v1/users/').filter((c) => c.path.includes('/lifecycle/'));
  const user = (login: string) => fake.users.get(login)!;
  const idOf = (login: string) => user(login).record.id;

  it('finds a user by login with a case-insensitive search and maps the contract fields', async () => {
    const found = await run('find_user', { user: 'ALICE@Example.com' });
    expect(found).toEqual({
      user_id: idOf('alice@example.com'),
      login: 'alice@example.com',
      email: 'alice@example.com',
      display_name: 'Alice Anderson',
      status: 'active',
    });
    expect(found.user_id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    const [search] = calls('GET', '/api/v1/users?');
    expect(new URL(search.path, fake.url).searchParams.get('search')).toBe(
      'profile.login eq "ALICE@Example.com" or profile.email eq "ALICE@Example.com"',
    );
    expect(search.headers.authorization).toBe(`SSWS ${TOKEN}`);
    expect(fake.calls).toHaveLength(1);
  });

  it('finds a user by a primary e-mail that differs from the login', async () => {
    expect(await run('find_user', { user: 'frank@example.com' })).toMatchObject({
      login: 'frank.miller@corp.example.com',
      email: 'frank@example.com',
      status: 'active',
    });
  });

  it('falls back to a direct lookup for ids and short names, and maps Okta statuses', async () => {
    expect(await run('find_user', { user: 'bob' })).toMatchObject({ login: 'bob@example.com' });
    expect(calls('GET', '/api/v1/users/bob')).toHaveLength(1);
    expect(await run('find_user', { user: idOf('carol@example.com') })).toMatchObject({
      status: 'suspended',
    });
    expect(await run('find_user', { user: 'dave@example.com' })).toMatchObject({ status: 'staged' });
    expect(await run('find_user', { user: 'erin@example.com' })).toMatchObject({ status: 'deprovisioned' });
    expect(await run('find_user', { user: 'lena@example.com' })).toMatchObject({ status: 'locked' });
  });

  it('fails an unknown user with a non-retryable USER_NOT_FOUND', async () => {
    const err = await caught(run('find_user', { user: 'nobody@example.com' }));
    expect(err).toMatchObject({ vendor: 'Okta', status: 404, code: 'USER_NOT_FOUND', retryable: false });
    expect(err.message).toBe('no Okta user with login or e-mail "nobody@example.com"');
  });

  it('refuses to guess between users sharing an e-mail, but prefers the live one over a deprovisioned one', async () => {
    fake.addUser({ login: 'sam.one@example.com', email: 'shared@example.com' });
    fake.addUser({ login: 'sam.two@example.com', email: 'shared@example.com' });
    const err = await caught(run('find_user', { user: 'shared@example.com' }));
    expect(err).toMatchObject({ code: 'AMBIGUOUS_USER', retryable: false });
    expect(err.message).toContain('sam.one@example.com, sam.two@example.com');

    fake.addUser({ login: 'old.kim@example.com', email: 'kim@example.com', status: 'DEPROVISIONED' });
    fake.addUser({ login: 'kim.new@example.com', email: 'kim@example.com' });
    expect(await run('find_user', { user: 'kim@example.com' })).toMatchObject({
      login: 'kim.new@example.com',
    });
  });

  it('suspends an active user with one lifecycle call, and a repeat does not call again', async () => {
    const id = idOf('alice@example.com');
    expect(await run('suspend_user', { user_id: id, reason: 'case 42' })).toEqual({
      user_id: id,
      status: 'suspended',
      already: false,
    });
    expect(lifecyclePosts().map((c) => c.path)).toEqual([`/api/v1/users/${id}/lifecycle/suspend`]);
    expect(user('alice@example.com').record.status).toBe('SUSPENDED');

    expect(await run('suspend_user', { user_id: id })).toEqual({
      user_id: id,
      status: 'suspended',
      already: true,
    });
    expect(lifecyclePosts()).toHaveLength(1);
    expect(fake.effects).toEqual([{ capability: 'identity.suspend_user', target: id }]);
  });

  it('leaves a deprovisioned user alone when asked to suspend it', async () => {
    const id = idOf('erin@example.com');
    expect(await run('suspend_user', { user_id: id })).toEqual({
      user_id: id,
      status: 'deprovisioned',
      already: true,
    });
    expect(lifecyclePosts()).toHaveLength(0);
  });

  it("passes on Okta's E0000001 when the status does not allow a suspension", async () => {
    const err = await caught(run('suspend_user', { user_id: idOf('lena@example.com') }));
    expect(err).toMatchObject({ vendor: 'Okta', status: 400, code: 'E0000001', retryable: false });
    expect(err.message).toBe(
      'Api validation failed: status: Cannot suspend a user that is not active (status LOCKED_OUT)',
    );
  });

  it('unsuspends a suspended user, idempotently, and leaves others alone', async () => {
    const carol = idOf('carol@example.com');
    expect(await run('unsuspend_user', { user_id: carol })).toEqual({
      user_id: carol,
      status: 'active',
      already: false,
    });
    expect(await run('unsuspend_user', { user_id: carol })).toEqual({
      user_id: carol,
      status: 'active',
      already: true,
    });
    const bob = idOf('bob@example.com');
    expect(await run('unsuspend_user', { user_id: bob })).toEqual({
      user_id: bob,
      status: 'active',
      already: true,
    });
    expect(lifecyclePosts().map((c) => c.path)).toEqual([`/api/v1/users/${carol}/lifecycle/unsuspend`]);
  });

  it('accepts a login as user_id and answers with the Okta id', async () => {
    expect(await run('suspend_user', { user_id: 'bob@example.com' })).toEqual({
      user_id: idOf('bob@example.com'),
      status: 'suspended',
      already: false,
    });
    expect(calls('GET', '/api/v1/users/bob%40example.com')).toHaveLength(1);
  });

  it('fails an unknown user id with the vendor words of E0000007', async () => {
    const err = await caught(run('suspend_user', { user_id: '00u000000000000000x' }));
    expect(err).toMatchObject({
      vendor: 'Okta',
      status: 404,
      code: 'E0000007',
      message: 'Not found: Resource not found: 00u000000000000000x (User)',
      retryable: false,
    });
    expect(lifecyclePosts()).toHaveLength(0);
  });

  it('clears sessions and OAuth tokens', async () => {
    const id = idOf('alice@example.com');
    expect(await run('clear_sessions', { user_id: id })).toEqual({ user_id: id, revoked: true });
    expect(calls('DELETE', '/api/v1/users/').map((c) => c.path)).toEqual([
      `/api/v1/users/${id}/sessions?oauthTokens=true`,
    ]);
    expect(user('alice@example.com')).toMatchObject({ sessions: 0, oauthTokens: 0 });
    // Nothing left to clear: still fine, and the fake records no second change.
    expect(await run('clear_sessions', { user_id: id })).toEqual({ user_id: id, revoked: true });
    expect(fake.effects).toEqual([{ capability: 'identity.revoke_sessions', target: id }]);
  });

  it('counts the factors, resets them in one call, and a repeat resets none', async () => {
    const id = idOf('alice@example.com');
    expect(await run('reset_factors', { user_id: id })).toEqual({ user_id: id, factors_reset: 2 });
    expect(lifecyclePosts().map((c) => c.path)).toEqual([`/api/v1/users/${id}/lifecycle/reset_factors`]);
    expect(user('alice@example.com').factors).toEqual([]);
    expect(user('alice@example.com').record.status).toBe('ACTIVE');
    expect(await run('reset_factors', { user_id: id })).toEqual({ user_id: id, factors_reset: 0 });
    expect(lifecyclePosts()).toHaveLength(1);
  });

  it('reports a refused API token as a non-retryable error without the token', async () => {
    const err = await caught(run('find_user', { user: 'alice@example.com' }, context('00wrong-token')));
    expect(err).toMatchObject({ vendor: 'Okta', status: 401, code: 'E0000011', retryable: false });
    expect(err.message).toBe('Invalid token provided');
    expect(JSON.stringify(err)).not.toContain('00wrong-token');
    expect(fake.calls).toHaveLength(1);
  });

  it('accepts a token pasted with its SSWS prefix, and refuses a connection without one', async () => {
    await run('find_user', { user: 'bob@example.com' }, context(`SSWS ${TOKEN}`));
    expect(fake.calls[0].headers.authorization).toBe(`SSWS ${TOKEN}`);
    const err = await caught(run('find_user', { user: 'bob@example.com' }, context(null)));
    expect(err).toMatchObject({ code: 'MISSING_CREDENTIALS', retryable: false });
  });

  it('waits until X-Rate-Limit-Reset, measured on the Date header, after a 429', async () => {
    fake.rateLimitNext({ times: 2, retryAfterSeconds: 5, match: { pathPrefix: '/api/v1/users' } });
    const found = await run('find_user', { user: 'bob@example.com' });
    expect(found.login).toBe('bob@example.com');
    // Our clock is 2026-ish, the fake's is 2030: only the server's own Date header gives 5 s.
    expect(sleeps).toEqual([5000, 5000]);
    expect(calls('GET', '/api/v1/users')).toHaveLength(3);
  });

  it('does not wait out the rate-limit window on a 503 that carries X-Rate-Limit-Reset', async () => {
    fake.injectFaults([{ status: 503 }]);
    await run('find_user', { user: 'bob@example.com' });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeLessThan(1000);
  });

  it('passes the health check, and fails it with a bad token', async () => {
    await expect(okta.healthCheck(context())).resolves.toBeUndefined();
    expect(fake.calls[0].path).toBe('/api/v1/users?limit=1');
    await expect(okta.healthCheck(context('00nope'))).rejects.toMatchObject({ code: 'E0000011' });
  });
});
