import { createOktaFake, OKTA_FAKE_API_TOKEN, type OktaFake } from './okta.fake';

interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: Array<{ errorSummary: string }>;
}

/** Raw HTTP against the fake: the documented shapes, independent of the adapter. */
describe('Okta fake', () => {
  let fake: OktaFake;

  const call = async (method: string, path: string, auth: string | null = `SSWS ${OKTA_FAKE_API_TOKEN}`) => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: auth ? { authorization: auth } : {},
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const logins = (users: Array<{ profile: { login: string } }>) => users.map((u) => u.profile.login);
  const search = async (expression: string, param = 'search') =>
    call('GET', `/api/v1/users?${param}=${encodeURIComponent(expression)}`);

  beforeEach(async () => {
    fake = createOktaFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  it('refuses a missing, wrong or Bearer token with E0000011', async () => {
    for (const auth of [null, 'SSWS wrong', `Bearer ${OKTA_FAKE_API_TOKEN}`]) {
      const res = await call('GET', '/api/v1/users', auth);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        errorCode: 'E0000011',
        errorSummary: 'Invalid token provided',
        errorLink: 'E0000011',
        errorCauses: [],
      });
      expect((res.body as OktaErrorBody).errorId).toMatch(/^oae/);
    }
  });

  it('searches case-insensitively, filters case-sensitively, and lists without the deprovisioned', async () => {
    expect(logins((await search('profile.login eq "ALICE@EXAMPLE.COM"')).body)).toEqual([
      'alice@example.com',
    ]);
    expect((await search('profile.login eq "ALICE@EXAMPLE.COM"', 'filter')).body).toEqual([]);
    expect(logins((await search('profile.email eq "alice@example.com"', 'filter')).body)).toEqual([
      'alice@example.com',
    ]);
    expect(logins((await search('status eq "SUSPENDED" or profile.lastName sw "ev"')).body)).toEqual([
      'carol@example.com',
      'erin@example.com',
    ]);
    expect(logins((await search('(status eq "ACTIVE" and profile.firstName sw "f")')).body)).toEqual([
      'frank.miller@corp.example.com',
    ]);
    const all = await call('GET', '/api/v1/users');
    expect(logins(all.body)).not.toContain('erin@example.com');
    expect(logins((await call('GET', '/api/v1/users?q=car')).body)).toEqual(['carol@example.com']);

    const bad = await search('profile.login eq');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errorCode: 'E0000031', errorSummary: 'Invalid search criteria.' });
    expect((await search('profile.department eq "x"', 'filter')).status).toBe(400);
  });

  it('pages with limit and a Link rel="next" cursor', async () => {
    const first = await call('GET', '/api/v1/users?limit=2');
    expect(first.body).toHaveLength(2);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toContain('after=');
    const second = await call('GET', new URL(next!).pathname + new URL(next!).search);
    expect(second.body).toHaveLength(2);
    expect(logins(second.body)).not.toContain(logins(first.body)[0]);
  });

  it('reads a user by id, login or short name, with lifecycle links by status', async () => {
    const alice = fake.users.get('alice@example.com')!.record.id;
    for (const key of [alice, 'Alice%40Example.com', 'alice']) {
      const res = await call('GET', `/api/v1/users/${key}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: alice,
        status: 'ACTIVE',
        profile: { login: 'alice@example.com' },
      });
      expect(Object.keys(res.body._links)).toEqual(
        expect.arrayContaining(['self', 'suspend', 'resetFactors']),
      );
    }
    const missing = await call('GET', '/api/v1/users/nobody');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      errorCode: 'E0000007',
      errorSummary: 'Not found: Resource not found: nobody (User)',
    });
  });

  it('suspends only ACTIVE users and unsuspends only SUSPENDED ones, with 400 E0000001 otherwise', async () => {
    const id = fake.users.get('bob@example.com')!.record.id;
    expect(await call('POST', `/api/v1/users/${id}/lifecycle/suspend`)).toMatchObject({
      status: 200,
      body: {},
    });
    expect((await call('GET', `/api/v1/users/${id}`)).body.status).toBe('SUSPENDED');
    const again = await call('POST', `/api/v1/users/${id}/lifecycle/suspend`);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      errorCode: 'E0000001',
      errorCauses: [{ errorSummary: 'Cannot suspend a user that is not active (status SUSPENDED)' }],
    });
    expect((await call('POST', `/api/v1/users/${id}/lifecycle/unsuspend`)).status).toBe(200);
    expect((await call('POST', `/api/v1/users/${id}/lifecycle/unsuspend`)).status).toBe(400);
    expect(fake.effects).toEqual([
      { capability: 'identity.suspend_user', target: id },
      { capability: 'identity.unsuspend_user', target: id },
    ]);
  });

  it('lists factors, deletes one, and resets the rest', async () => {
    const id = fake.users.get('alice@example.com')!.record.id;
    const factors = await call('GET', `/api/v1/users/${id}/factors`);
    expect(factors.body.map((f: { factorType: string }) => f.factorType)).toEqual(['push', 'sms']);
    expect(factors.body[0]).toMatchObject({
      id: expect.stringMatching(/^opf/),
      provider: 'OKTA',
      status: 'ACTIVE',
    });
    expect((await call('DELETE', `/api/v1/users/${id}/factors/${factors.body[1].id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/v1/users/${id}/factors/${factors.body[1].id}`)).status).toBe(404);
    expect((await call('POST', `/api/v1/users/${id}/lifecycle/reset_factors`)).status).toBe(200);
    expect((await call('GET', `/api/v1/users/${id}/factors`)).body).toEqual([]);
    expect(fake.effects.map((e) => e.capability)).toEqual(['identity.reset_mfa', 'identity.reset_mfa']);
  });

  it('clears sessions with 204, keeping OAuth tokens unless oauthTokens=true', async () => {
    const alice = fake.users.get('alice@example.com')!;
    expect((await call('DELETE', `/api/v1/users/${alice.record.id}/sessions`)).status).toBe(204);
    expect(alice).toMatchObject({ sessions: 0, oauthTokens: 1 });
    await call('DELETE', `/api/v1/users/${alice.record.id}/sessions?oauthTokens=true`);
    expect(alice.oauthTokens).toBe(0);
    await call('DELETE', `/api/v1/users/${alice.record.id}/sessions?oauthTokens=true`);
    expect(fake.effects).toHaveLength(2);
  });

  it('sends X-Rate-Limit-* and a Date on every answer, and a 429 with the reset as epoch seconds', async () => {
    const res = await call('GET', '/api/v1/users?limit=1');
    expect(res.headers.get('x-rate-limit-limit')).toBe('600');
    expect(Number(res.headers.get('x-rate-limit-remaining'))).toBeLessThan(600);
    expect(Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(res.headers.get('date')).toBeTruthy();
    expect(res.headers.get('x-okta-request-id')).toBeTruthy();

    fake.rateLimitNext({ retryAfterSeconds: 30 });
    const limited = await call('GET', '/api/v1/users');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('x-rate-limit-reset')) * 1000 - Date.now()).toBeGreaterThan(28_000);
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(limited.body).toMatchObject({ errorCode: 'E0000047' });

    await fetch(`${fake.url}/__faults`, { method: 'POST', body: JSON.stringify([{ status: 503 }]) });
    const unavailable = await call('GET', '/api/v1/users');
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toMatchObject({ errorCode: 'E0000009' });
  });

  it('adds users at run time over POST /__users, unrecorded', async () => {
    const res = await fetch(`${fake.url}/__users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'new@example.com', factors: ['webauthn'] }),
    });
    expect(res.status).toBe(201);
    expect(logins((await search('profile.login eq "new@example.com"')).body)).toEqual(['new@example.com']);
    const dup = await fetch(`${fake.url}/__users`, {
      method: 'POST',
      body: JSON.stringify({ login: 'new@example.com' }),
    });
    expect(dup.status).toBe(400);
    expect(fake.calls.some((c) => c.path.startsWith('/__'))).toBe(false);
  });
});
