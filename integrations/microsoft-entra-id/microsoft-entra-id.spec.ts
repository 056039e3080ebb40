import { HttpClient, type HttpClientOptions } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { DEFAULT_LOGIN_URL } from '../../src/integrations/kit/microsoft-identity';
import { DEFAULT_GRAPH_URL, entraSettings } from './entra.client';
import { createEntraFake, type EntraFake } from './fake/microsoft-entra-id.fake';
import { graphError } from './fake/graph-responses';
import entra from './index';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT_ID = 'entra-client';
const CLIENT_SECRET = 'entra-secret-value';
const FIELDS = 'id,userPrincipalName,mail,displayName,accountEnabled';

describe('Microsoft Entra ID integration against its fake', () => {
  let fake: EntraFake;
  let fakeNow: number;
  const sleeps: number[] = [];

  beforeEach(async () => {
    sleeps.length = 0;
    fakeNow = Date.parse('2030-01-01T00:00:00Z');
    fake = createEntraFake({
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
      vendor: entra.manifest.vendor,
      baseUrl: fake.url,
      sleep: async (ms) => void sleeps.push(ms),
      ...options.http,
    });
    return {
      connection: {
        id: 'conn-entra',
        baseUrl: fake.url,
        settings: { tenantId: TENANT, loginUrl: fake.url, graphUrl: fake.url, ...options.settings },
        secrets: { clientId: CLIENT_ID, clientSecret: options.secret ?? CLIENT_SECRET },
      },
      idempotencyKey: 'run-1/step-1',
      http,
    };
  }
  const run = (action: string, input: Record<string, unknown>, ctx = context()) =>
    entra.actions[action].run(ctx, input);
  const calls = (method: string, prefix = '/') =>
    fake.calls.filter((c) => c.method === method && c.path.startsWith(prefix));
  const graphCalls = (method: string) => calls(method, '/v1.0/');
  const query = (path: string) => new URL(path, fake.url).searchParams;
  const user = (upn: string) => fake.directory.get(upn)!;
  const idOf = (upn: string) => user(upn).record.id;

  it('finds a user by UPN, case-insensitively, and maps the contract fields', async () => {
    const found = await run('find_user', { user: 'ALICE@example.com' });
    expect(found).toEqual({
      user_id: idOf('alice@example.com'),
      login: 'alice@example.com',
      email: 'alice@example.com',
      display_name: 'Alice Anderson',
      status: 'active',
    });
    const [get] = graphCalls('GET');
    expect(get.path.split('?')[0]).toBe('/v1.0/users/ALICE%40example.com');
    expect(query(get.path).get('$select')).toBe(FIELDS);
    expect(get.headers.authorization).toMatch(/^Bearer /);
    const [token] = calls('POST', `/${TENANT}/oauth2/v2.0/token`);
    expect(token.body).toEqual({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'client_credentials',
      scope: `${fake.url}/.default`,
    });
  });

  it('finds a user by mail or proxy address when the address is not a UPN', async () => {
    expect(await run('find_user', { user: 'Frank@Example.com' })).toMatchObject({
      login: 'frank.miller@example.onmicrosoft.com',
      email: 'frank@example.com',
    });
    const filter = query(graphCalls('GET')[1].path).get('$filter');
    expect(filter).toBe("mail eq 'Frank@Example.com' or proxyAddresses/any(p:p eq 'smtp:Frank@Example.com')");
    expect(await run('find_user', { user: 'f.miller@example.com' })).toMatchObject({
      display_name: 'Frank Miller',
    });
    expect(await run('find_user', { user: 'partner@vendor.example' })).toMatchObject({
      login: 'partner_vendor.example#EXT#@example.onmicrosoft.com',
    });
    expect(
      await run('find_user', { user: 'partner_vendor.example#EXT#@example.onmicrosoft.com' }),
    ).toMatchObject({
      email: 'partner@vendor.example',
    });
    expect(await run('find_user', { user: 'carol@example.com' })).toMatchObject({ status: 'suspended' });
  });

  it('escapes quotes in OData literals and fails an unknown user with USER_NOT_FOUND', async () => {
    const err = await caught(run('find_user', { user: "o'brien@example.com" }));
    expect(err).toMatchObject({ vendor: 'Microsoft', status: 404, code: 'USER_NOT_FOUND', retryable: false });
    expect(err.message).toBe(`no Entra user with UPN, mail or proxy address "o'brien@example.com"`);
    expect(query(graphCalls('GET')[1].path).get('$filter')).toContain("mail eq 'o''brien@example.com'");
  });

  it('refuses to guess between users sharing an address', async () => {
    fake.addUser({ userPrincipalName: 'one@example.onmicrosoft.com', mail: 'team@example.com' });
    fake.addUser({ userPrincipalName: 'two@example.onmicrosoft.com', mail: 'team@example.com' });
    const err = await caught(run('find_user', { user: 'team@example.com' }));
    expect(err).toMatchObject({ code: 'AMBIGUOUS_USER', retryable: false });
  });

  it('disables an account with one PATCH, and a repeat does not PATCH again', async () => {
    const id = idOf('alice@example.com');
    expect(await run('disable_account', { user_id: 'alice@example.com', reason: 'case 7' })).toEqual({
      user_id: id,
      status: 'suspended',
      already: false,
    });
    expect(graphCalls('PATCH')).toEqual([
      expect.objectContaining({ path: `/v1.0/users/${id}`, body: { accountEnabled: false } }),
    ]);
    expect(user('alice@example.com').record.accountEnabled).toBe(false);
    expect(await run('disable_account', { user_id: id })).toEqual({
      user_id: id,
      status: 'suspended',
      already: true,
    });
    expect(graphCalls('PATCH')).toHaveLength(1);
    expect(fake.effects).toEqual([{ capability: 'identity.suspend_user', target: id }]);
  });

  it('enables a disabled account, idempotently', async () => {
    const carol = idOf('carol@example.com');
    expect(await run('enable_account', { user_id: carol })).toEqual({
      user_id: carol,
      status: 'active',
      already: false,
    });
    expect(await run('enable_account', { user_id: carol })).toEqual({
      user_id: carol,
      status: 'active',
      already: true,
    });
    expect(graphCalls('PATCH')).toEqual([expect.objectContaining({ body: { accountEnabled: true } })]);
  });

  it("passes on Graph's refusal for a synced user and for a privileged admin", async () => {
    const synced = await caught(run('disable_account', { user_id: 'dave@example.com' }));
    expect(synced).toMatchObject({
      vendor: 'Microsoft',
      status: 400,
      code: 'Request_BadRequest',
      retryable: false,
    });
    expect(synced.message).toBe(
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    );
    const admin = await caught(run('disable_account', { user_id: 'admin@example.com' }));
    expect(admin).toMatchObject({
      status: 403,
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
      retryable: false,
    });
  });

  it("fails an unknown user id with Graph's Request_ResourceNotFound", async () => {
    const err = await caught(run('disable_account', { user_id: '00000000-0000-4000-8000-000000000000' }));
    expect(err).toMatchObject({ status: 404, code: 'Request_ResourceNotFound', retryable: false });
    expect(graphCalls('PATCH')).toHaveLength(0);
  });

  it('revokes sign-in sessions', async () => {
    const id = idOf('bob@example.com');
    expect(await run('revoke_sign_in_sessions', { user_id: id })).toEqual({ user_id: id, revoked: true });
    expect(graphCalls('POST').map((c) => c.path)).toEqual([`/v1.0/users/${id}/revokeSignInSessions`]);
    expect(user('bob@example.com').record.signInSessionsValidFromDateTime).toBe('2030-01-01T00:00:00Z');
  });

  it('deletes every method but the password, mobile number last, and counts them', async () => {
    const id = idOf('bob@example.com');
    expect(await run('delete_authentication_methods', { user_id: id })).toEqual({
      user_id: id,
      factors_reset: 5,
    });
    expect(graphCalls('DELETE').map((c) => c.path.replace(`/v1.0/users/${id}/authentication/`, ''))).toEqual([
      'phoneMethods/b6332ec1-7057-4abe-9331-3d72feddfe41',
      expect.stringMatching(/^microsoftAuthenticatorMethods\//),
      expect.stringMatching(/^fido2Methods\//),
      expect.stringMatching(/^emailMethods\//),
      'phoneMethods/3179e48a-750b-4051-897c-87b9720928f7',
    ]);
    expect(user('bob@example.com').methods.map((m) => m.kind)).toEqual(['password']);
    expect(fake.effects).toHaveLength(5);

    expect(await run('delete_authentication_methods', { user_id: id })).toEqual({
      user_id: id,
      factors_reset: 0,
    });
    expect(graphCalls('DELETE')).toHaveLength(5);
  });

  it('retries the default method after the others, as Graph only deletes it last', async () => {
    const kim = fake.addUser({
      userPrincipalName: 'kim@example.com',
      methods: ['fido2', { kind: 'microsoftAuthenticator', default: true }, 'softwareOath'],
    });
    const out = await run('delete_authentication_methods', { user_id: kim.record.id });
    expect(out).toEqual({ user_id: kim.record.id, factors_reset: 3 });
    expect(graphCalls('DELETE').map((c) => c.path.split('/')[5])).toEqual([
      'fido2Methods',
      'microsoftAuthenticatorMethods', // refused: still the default with another method left
      'softwareOathMethods',
      'microsoftAuthenticatorMethods',
    ]);
  });

  it('gives up with the vendor words when a round removes nothing', async () => {
    const id = idOf('alice@example.com');
    fake.injectFaults([
      { ...graphError(400, 'badRequest', 'Cannot delete this method.'), match: { method: 'DELETE' } },
    ]);
    const err = await caught(run('delete_authentication_methods', { user_id: id }));
    expect(err).toMatchObject({ vendor: 'Microsoft', status: 400, code: 'badRequest', retryable: false });
    expect(err.message).toBe('Cannot delete this method. (removed 0 of 1 authentication methods; 1 refused)');
  });

  it('reports a wrong secret and an unknown tenant as non-retryable AUTH_FAILED, without the secret', async () => {
    const secret = await caught(
      run('find_user', { user: 'alice@example.com' }, context({ secret: 'wrong-secret' })),
    );
    expect(secret).toMatchObject({ vendor: 'Microsoft', status: 401, code: 'AUTH_FAILED', retryable: false });
    expect(secret.message).toMatch(/^authentication failed: AADSTS7000215: Invalid client secret provided\./);
    expect(secret.message).not.toContain('Trace ID');
    expect(JSON.stringify(secret)).not.toContain('wrong-secret');

    const tenant = await caught(
      run('find_user', { user: 'alice@example.com' }, context({ settings: { tenantId: 'nope' } })),
    );
    expect(tenant).toMatchObject({ status: 400, code: 'AUTH_FAILED' });
    expect(tenant.message).toContain("AADSTS90002: Tenant 'nope' not found.");
  });

  it('waits as Retry-After says after a 429', async () => {
    fake.rateLimitNext({ retryAfterSeconds: 3, match: { method: 'PATCH' } });
    await run('disable_account', { user_id: 'bob@example.com' });
    expect(sleeps).toEqual([3000]);
    expect(graphCalls('PATCH')).toHaveLength(2);
    expect(fake.effects).toHaveLength(1);
  });

  it('sends one client-request-id per call, the same on every retry of it', async () => {
    fake.injectFaults([{ status: 503, match: { method: 'PATCH' } }]);
    await run('disable_account', { user_id: 'bob@example.com' });
    const [get] = graphCalls('GET');
    const patches = graphCalls('PATCH');
    expect(patches).toHaveLength(2);
    expect(patches[0].headers['client-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(patches[1].headers['client-request-id']).toBe(patches[0].headers['client-request-id']);
    expect(get.headers['client-request-id']).not.toBe(patches[0].headers['client-request-id']);
  });

  it('fetches a new token when Graph says the cached one expired, reusing it otherwise', async () => {
    const ctx = context();
    await run('find_user', { user: 'alice@example.com' }, ctx);
    await run('find_user', { user: 'bob@example.com' }, ctx);
    expect(calls('POST', `/${TENANT}/`)).toHaveLength(1);
    fakeNow += 3600 * 1000; // the fake's token is dead; the adapter's cache does not know yet
    await run('find_user', { user: 'alice@example.com' }, ctx);
    expect(calls('POST', `/${TENANT}/`)).toHaveLength(2);
  });

  it('passes the health check, and fails it without a tenant', async () => {
    await expect(entra.healthCheck(context())).resolves.toBeUndefined();
    expect(graphCalls('GET')[0].path).toBe('/v1.0/users?%24top=1&%24select=id');
    await expect(entra.healthCheck(context({ settings: { tenantId: '' } }))).rejects.toMatchObject({
      code: 'BAD_CONFIG',
    });
  });

  it('defaults to the public cloud hosts', () => {
    expect(entraSettings({ tenantId: 'contoso.onmicrosoft.com' })).toEqual({
      tenantId: 'contoso.onmicrosoft.com',
      loginUrl: DEFAULT_LOGIN_URL,
      graphUrl: DEFAULT_GRAPH_URL,
    });
    expect(entraSettings({ tenantId: 't', graphUrl: 'https://graph.microsoft.us/' }).graphUrl).toBe(
      'https://graph.microsoft.us',
    );
    expect(() => entraSettings({ tenantId: 't', loginUrl: 'ftp://x' })).toThrow(
      'loginUrl must be an http(s) URL',
    );
  });
});
