import {
  createEntraFake,
  ENTRA_FAKE_CLIENT_ID,
  ENTRA_FAKE_CLIENT_SECRET,
  ENTRA_FAKE_TENANT_ID,
  type EntraFake,
} from './microsoft-entra-id.fake';

/** Raw HTTP against the fake: the documented shapes, independent of the adapter. */
describe('Microsoft Entra ID fake', () => {
  let fake: EntraFake;
  let token: string;

  const tokenRequest = (fields: Record<string, string>, tenant = ENTRA_FAKE_TENANT_ID) =>
    fetch(`${fake.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: ENTRA_FAKE_CLIENT_ID,
        client_secret: ENTRA_FAKE_CLIENT_SECRET,
        scope: 'https://graph.microsoft.com/.default',
        ...fields,
      }),
    });
  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; auth?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    const auth = init.auth === undefined ? token : init.auth;
    if (auth) headers.authorization = `Bearer ${auth}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const id = (upn: string) => fake.directory.get(upn)!.record.id;
  const upns = (page: { value: Array<{ userPrincipalName: string }> }) =>
    page.value.map((u) => u.userPrincipalName);
  const filter = async (expression: string) =>
    call('GET', `/v1.0/users?$select=userPrincipalName&$filter=${encodeURIComponent(expression)}`);

  beforeEach(async () => {
    fake = createEntraFake();
    await fake.start(0);
    const res = await tokenRequest({});
    expect(res.status).toBe(200);
    const issued = (await res.json()) as Record<string, unknown>;
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    token = issued.access_token as string;
  });
  afterEach(() => fake.stop());

  it('refuses bad client credentials, tenants and scopes with AADSTS errors', async () => {
    const cases: Array<[Record<string, string>, string, number, string, number]> = [
      [{ client_secret: 'x' }, ENTRA_FAKE_TENANT_ID, 401, 'invalid_client', 7000215],
      [{ client_id: 'x' }, ENTRA_FAKE_TENANT_ID, 400, 'unauthorized_client', 700016],
      [{}, 'other-tenant', 400, 'invalid_request', 90002],
      [{ scope: 'User.Read.All' }, ENTRA_FAKE_TENANT_ID, 400, 'invalid_scope', 1002012],
      [{ grant_type: 'password' }, ENTRA_FAKE_TENANT_ID, 400, 'unsupported_grant_type', 70003],
    ];
    for (const [fields, tenant, status, error, code] of cases) {
      const res = await tokenRequest(fields, tenant);
      expect(res.status).toBe(status);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ error, error_codes: [code] });
      expect(String(body.error_description)).toMatch(new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: `));
    }
  });

  it('refuses a missing, unknown or expired token with InvalidAuthenticationToken', async () => {
    const anon = await call('GET', '/v1.0/users', { auth: null });
    expect(anon.status).toBe(401);
    expect(anon.body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });
    expect(anon.body.error.innerError).toMatchObject({
      'request-id': expect.any(String),
      date: expect.any(String),
    });
    expect(anon.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await call('GET', '/v1.0/users', { auth: 'forged' })).status).toBe(401);
    fake.expireTokens();
    const expired = await call('GET', '/v1.0/users');
    expect(expired.body.error.message).toBe('Lifetime validation failed, the token is expired.');
  });

  it("answers a user by id or UPN, with Graph's default properties unless $select says otherwise", async () => {
    const alice = await call('GET', '/v1.0/users/ALICE%40example.com');
    expect(alice.status).toBe(200);
    expect(alice.body).toMatchObject({
      id: id('alice@example.com'),
      displayName: 'Alice Anderson',
      mail: 'alice@example.com',
    });
    expect(alice.body).not.toHaveProperty('accountEnabled');
    const selected = await call('GET', `/v1.0/users/${id('carol@example.com')}?$select=id,accountEnabled`);
    expect(selected.body).toEqual({
      '@odata.context': `${fake.url}/v1.0/$metadata#users(id,accountEnabled)/$entity`,
      id: id('carol@example.com'),
      accountEnabled: false,
    });
    expect((await call('GET', '/v1.0/users/alice%40example.com?$select=nope')).status).toBe(400);
    const missing = await call('GET', '/v1.0/users/nobody%40example.com');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: 'Request_ResourceNotFound',
      message:
        "Resource 'nobody@example.com' does not exist or one of its queried reference-property objects are not present.",
    });
  });

  it('filters users case-insensitively, with lambdas over proxy addresses, and pages with nextLink', async () => {
    expect(upns((await filter("mail eq 'FRANK@example.com'")).body)).toEqual([
      'frank.miller@example.onmicrosoft.com',
    ]);
    expect(upns((await filter("proxyAddresses/any(p:p eq 'smtp:f.miller@example.com')")).body)).toEqual([
      'frank.miller@example.onmicrosoft.com',
    ]);
    expect(upns((await filter("accountEnabled eq false or startswith(displayName,'ada')")).body)).toEqual([
      'carol@example.com',
      'admin@example.com',
    ]);
    expect(upns((await filter("userType eq 'Guest' and not(mail eq null)")).body)).toEqual([
      'partner_vendor.example#EXT#@example.onmicrosoft.com',
    ]);
    const broken = await filter("mail eq 'x");
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('BadRequest');
    const unknown = await filter("shoeSize eq '9'");
    expect(unknown.body.error.message).toBe(
      "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.",
    );

    const first = await call('GET', '/v1.0/users?$top=4&$select=id');
    expect(first.body.value).toHaveLength(4);
    const next = new URL(first.body['@odata.nextLink'] as string);
    const second = await call('GET', next.pathname + next.search);
    expect(second.body.value).toHaveLength(3);
    expect(second.body['@odata.nextLink']).toBeUndefined();
  });

  it('updates accountEnabled with 204, refusing synced users and privileged admins', async () => {
    const bob = id('bob@example.com');
    expect((await call('PATCH', `/v1.0/users/${bob}`, { body: { accountEnabled: false } })).status).toBe(204);
    expect((await call('PATCH', `/v1.0/users/${bob}`, { body: { accountEnabled: false } })).status).toBe(204);
    expect(fake.effects).toEqual([{ capability: 'identity.suspend_user', target: bob }]);
    await call('PATCH', `/v1.0/users/${bob}`, { body: { accountEnabled: true } });
    expect(fake.effects[1]).toEqual({ capability: 'identity.unsuspend_user', target: bob });

    const synced = await call('PATCH', '/v1.0/users/dave%40example.com', { body: { accountEnabled: false } });
    expect(synced.status).toBe(400);
    expect(synced.body.error.code).toBe('Request_BadRequest');
    const admin = await call('PATCH', '/v1.0/users/admin%40example.com', { body: { accountEnabled: false } });
    expect(admin.status).toBe(403);
    expect(admin.body.error.code).toBe('Authorization_RequestDenied');
    expect((await call('PATCH', `/v1.0/users/${bob}`, { body: { accountEnabled: 'no' } })).status).toBe(400);
  });

  it('revokes sign-in sessions with value true', async () => {
    const res = await call('POST', '/v1.0/users/bob%40example.com/revokeSignInSessions');
    expect(res.body).toEqual({ '@odata.context': `${fake.url}/v1.0/$metadata#Edm.Boolean`, value: true });
    expect(fake.directory.get('bob@example.com')!.record.signInSessionsValidFromDateTime).not.toBe(
      '2024-01-15T09:00:00Z',
    );
  });

  it("lists authentication methods and deletes them under Graph's rules", async () => {
    const bob = id('bob@example.com');
    const all = await call('GET', `/v1.0/users/${bob}/authentication/methods`);
    expect(all.body.value.map((m: { '@odata.type': string }) => m['@odata.type'])).toEqual([
      '#microsoft.graph.passwordAuthenticationMethod',
      '#microsoft.graph.phoneAuthenticationMethod',
      '#microsoft.graph.phoneAuthenticationMethod',
      '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
      '#microsoft.graph.fido2AuthenticationMethod',
      '#microsoft.graph.emailAuthenticationMethod',
    ]);
    const phones = await call('GET', `/v1.0/users/${bob}/authentication/phoneMethods`);
    expect(phones.body.value.map((m: { phoneType: string }) => m.phoneType)).toEqual([
      'mobile',
      'alternateMobile',
    ]);
    const mobile = '3179e48a-750b-4051-897c-87b9720928f7';
    const alternate = 'b6332ec1-7057-4abe-9331-3d72feddfe41';

    const blocked = await call('DELETE', `/v1.0/users/${bob}/authentication/phoneMethods/${mobile}`);
    expect(blocked.status).toBe(400);
    expect(blocked.body.error.message).toMatch(/alternateMobile/);
    expect((await call('DELETE', `/v1.0/users/${bob}/authentication/phoneMethods/${alternate}`)).status).toBe(
      204,
    );
    const isDefault = await call('DELETE', `/v1.0/users/${bob}/authentication/phoneMethods/${mobile}`);
    expect(isDefault.body.error.message).toBe(
      'Cannot delete default method with other methods configured. Please change default method before deletion.',
    );
    expect((await call('DELETE', `/v1.0/users/${bob}/authentication/phoneMethods/${alternate}`)).status).toBe(
      404,
    );
    expect(
      (
        await call(
          'DELETE',
          `/v1.0/users/${bob}/authentication/passwordMethods/28c10230-6103-485e-b985-444c60001490`,
        )
      ).status,
    ).toBe(400);
    expect((await call('DELETE', `/v1.0/users/${bob}/authentication/fooMethods/x`)).status).toBe(400);
    expect(fake.effects).toEqual([{ capability: 'identity.reset_mfa', target: bob }]);
  });

  it("throttles with Retry-After and answers injected faults in Graph's shape, echoing client-request-id", async () => {
    fake.rateLimitNext({ retryAfterSeconds: 7 });
    const limited = await call('GET', '/v1.0/users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.error.code).toBe('TooManyRequests');

    await fetch(`${fake.url}/__faults`, {
      method: 'POST',
      body: JSON.stringify([{ status: 429 }, { status: 503 }]),
    });
    expect((await call('GET', '/v1.0/users')).headers.get('retry-after')).toBe('1');
    const unavailable = await call('GET', '/v1.0/users', { headers: { 'client-request-id': 'abc-123' } });
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error.code).toBe('serviceNotAvailable');
    expect(unavailable.headers.get('client-request-id')).toBe('abc-123');
    expect(unavailable.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('adds users at run time over POST /__users, unrecorded', async () => {
    const res = await fetch(`${fake.url}/__users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userPrincipalName: 'new@example.com', methods: ['softwareOath'] }),
    });
    expect(res.status).toBe(201);
    expect((await call('GET', '/v1.0/users/new%40example.com')).status).toBe(200);
    const bad = await fetch(`${fake.url}/__users`, {
      method: 'POST',
      body: JSON.stringify({ userPrincipalName: 'x' }),
    });
    expect(bad.status).toBe(400);
    expect(fake.calls.some((c) => c.path.startsWith('/__'))).toBe(false);
  });
});
