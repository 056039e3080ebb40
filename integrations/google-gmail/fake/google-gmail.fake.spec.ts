import { createPrivateKey } from 'node:crypto';
import { signJwt } from '../service-account';
import { defaultFakeKeyPair, generateFakeKeyPair, GMAIL_FAKE_CLIENT_EMAIL } from './fake-keys';
import { createGmailFake, SCOPE, type GmailFake } from './google-gmail.fake';

/** Raw HTTP against the fake: the documented shapes, independent of the adapter. */
describe('Gmail fake', () => {
  let fake: GmailFake;
  const key = createPrivateKey(defaultFakeKeyPair().privateKeyPem);
  const now = () => Math.floor(Date.now() / 1000);

  const assertion = (claims: Record<string, unknown> = {}, signWith = key) =>
    signJwt(
      {
        iss: GMAIL_FAKE_CLIENT_EMAIL,
        sub: 'alice@example.com',
        scope: `${SCOPE.modify} ${SCOPE.settingsBasic}`,
        aud: `${fake.url}/token`,
        iat: now(),
        exp: now() + 3600,
        ...claims,
      },
      signWith,
    );
  const exchange = async (jwt: string, grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer') => {
    const res = await fetch(`${fake.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: grant, assertion: jwt }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const tokenFor = async (claims: Record<string, unknown> = {}) =>
    (await exchange(assertion(claims))).body.access_token as string;
  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const alice = '/gmail/v1/users/alice%40example.com';

  beforeEach(async () => {
    fake = createGmailFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  it('exchanges a signed JWT for a token and refuses bad assertions as Google does', async () => {
    const ok = await exchange(assertion());
    expect(ok).toEqual({
      status: 200,
      body: { access_token: expect.stringMatching(/^ya29\./), expires_in: 3599, token_type: 'Bearer' },
    });
    const refusals: Array<[string, string?]> = [
      [assertion({}, createPrivateKey(generateFakeKeyPair().privateKeyPem))],
      [assertion({ aud: 'https://example.com/token' })],
      [assertion({ iat: now() - 7200, exp: now() - 3600 })],
      [assertion({ exp: now() + 7200 })],
      [assertion({ sub: 'nobody@example.com' })],
      [assertion({ iss: 'other@x.iam.gserviceaccount.com' })],
      [assertion({ scope: 'https://www.googleapis.com/auth/gmail.send' })],
      ['not.a.jwt'],
      [assertion(), 'client_credentials'],
    ];
    const answers = [];
    for (const [jwt, grant] of refusals) {
      const res = await exchange(jwt, grant);
      answers.push([res.status, res.body.error, res.body.error_description]);
    }
    expect(answers).toEqual([
      [400, 'invalid_grant', 'Invalid JWT Signature.'],
      [400, 'invalid_grant', expect.stringMatching(/^Invalid JWT: Failed audience check/)],
      [400, 'invalid_grant', expect.stringMatching(/short-lived token/)],
      [400, 'invalid_grant', expect.stringMatching(/short-lived token/)],
      [400, 'invalid_grant', 'Invalid email or User ID'],
      [401, 'invalid_client', 'The OAuth client was not found.'],
      [401, 'unauthorized_client', expect.stringMatching(/^Client is unauthorized/)],
      [400, 'invalid_grant', expect.any(String)],
      [400, 'unsupported_grant_type', expect.any(String)],
    ]);
  });

  it('holds each token to its user, its scopes and its lifetime', async () => {
    const token = await tokenFor();
    expect((await call('GET', `${alice}/profile`, token)).body).toMatchObject({
      emailAddress: 'alice@example.com',
    });
    expect((await call('GET', '/gmail/v1/users/me/profile', token)).status).toBe(200);
    const other = await call('GET', '/gmail/v1/users/bob%40example.com/profile', token);
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({
      message: 'Delegation denied for alice@example.com',
      status: 'PERMISSION_DENIED',
    });

    const anon = await call('GET', `${alice}/profile`, null);
    expect(anon.status).toBe(401);
    expect(anon.body.error).toMatchObject({
      code: 401,
      errors: [{ reason: 'authError', domain: 'global', location: 'Authorization' }],
      status: 'UNAUTHENTICATED',
    });
    const serviceOnly = await tokenFor({ sub: undefined });
    expect((await call('GET', `${alice}/profile`, serviceOnly)).body.error.errors[0].reason).toBe(
      'failedPrecondition',
    );

    const readOnly = await tokenFor({ scope: SCOPE.readonly });
    const refused = await call('POST', `${alice}/settings/filters`, readOnly, {
      criteria: { from: 'x@y' },
      action: { addLabelIds: ['TRASH'] },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.errors[0].reason).toBe('insufficientPermissions');

    fake.expireTokens();
    expect((await call('GET', `${alice}/profile`, token)).status).toBe(401);
  });

  it('lists by query, leaves messages out when none match, pages, and serves message formats', async () => {
    const token = await tokenFor();
    const byId = await call(
      'GET',
      `${alice}/messages?q=${encodeURIComponent('rfc822msgid:<phish-001@attacker.example>')}`,
      token,
    );
    expect(byId.body).toEqual({
      messages: [{ id: expect.any(String), threadId: expect.any(String) }],
      resultSizeEstimate: 1,
    });
    const none = await call(
      'GET',
      `${alice}/messages?q=${encodeURIComponent('from:nobody@x subject:"hello there"')}`,
      token,
    );
    expect(none.body).toEqual({ resultSizeEstimate: 0 });
    const first = await call('GET', `${alice}/messages?maxResults=1`, token);
    expect(first.body.nextPageToken).toBe('00000000001');
    const second = await call(
      'GET',
      `${alice}/messages?maxResults=1&pageToken=${first.body.nextPageToken}`,
      token,
    );
    expect(second.body.messages[0].id).not.toBe(first.body.messages[0].id);
    expect((await call('GET', `${alice}/messages?maxResults=501`, token)).status).toBe(400);

    const id = byId.body.messages[0].id;
    const meta = await call(
      'GET',
      `${alice}/messages/${id}?format=metadata&metadataHeaders=Subject&metadataHeaders=message-id`,
      token,
    );
    expect(meta.body).toMatchObject({
      id,
      labelIds: ['INBOX', 'UNREAD'],
      internalDate: String(Date.parse('2030-01-06T09:14:03Z')),
      payload: {
        headers: [
          { name: 'Subject', value: 'Invoice overdue' },
          { name: 'Message-ID', value: '<phish-001@attacker.example>' },
        ],
      },
    });
    const raw = await call('GET', `${alice}/messages/${id}?format=raw`, token);
    expect(Buffer.from(raw.body.raw, 'base64url').toString()).toContain(
      'From: "Billing" <billing@attacker.example>',
    );
    expect((await call('GET', `${alice}/messages/ffff0000ffff0000`, token)).body.error).toMatchObject({
      code: 404,
      message: 'Requested entity was not found.',
      errors: [{ reason: 'notFound' }],
      status: 'NOT_FOUND',
    });
    expect((await call('GET', `${alice}/messages/not-an-id`, token)).status).toBe(400);
  });

  it('trashes and untrashes by label, hides trash from lists unless asked, and records effects', async () => {
    const token = await tokenFor();
    const id = (await call('GET', `${alice}/messages?q=subject:invoice`, token)).body.messages[0].id;
    const trashed = await call('POST', `${alice}/messages/${id}/trash`, token);
    expect(trashed.body.labelIds).toEqual(['UNREAD', 'TRASH']);
    await call('POST', `${alice}/messages/${id}/trash`, token);
    expect((await call('GET', `${alice}/messages?q=subject:invoice`, token)).body.messages).toBeUndefined();
    expect(
      (await call('GET', `${alice}/messages?q=subject:invoice&includeSpamTrash=true`, token)).body.messages,
    ).toHaveLength(1);
    const untrashed = await call('POST', `${alice}/messages/${id}/untrash`, token);
    expect(untrashed.body.labelIds).toEqual(['UNREAD', 'INBOX']);
    const modified = await call('POST', `${alice}/messages/${id}/modify`, token, {
      removeLabelIds: ['UNREAD'],
    });
    expect(modified.body.labelIds).toEqual(['INBOX']);
    expect(
      (await call('POST', `${alice}/messages/${id}/modify`, token, { addLabelIds: ['NOPE'] })).status,
    ).toBe(400);
    expect(fake.effects.map((e) => e.capability)).toEqual([
      'email.quarantine_message',
      'email.restore_message',
    ]);
  });

  it('keeps settings filters, refuses duplicates, and records a block once per sender', async () => {
    const token = await tokenFor();
    expect((await call('GET', `${alice}/settings/filters`, token)).body).toEqual({});
    const filter = { criteria: { from: 'spam@evil.example' }, action: { addLabelIds: ['TRASH'] } };
    const created = await call('POST', `${alice}/settings/filters`, token, filter);
    expect(created).toMatchObject({ status: 200, body: { id: expect.any(String), ...filter } });
    const duplicate = await call('POST', `${alice}/settings/filters`, token, filter);
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error).toMatchObject({
      message: 'Filter already exists',
      status: 'FAILED_PRECONDITION',
    });
    const bobToken = await tokenFor({ sub: 'bob@example.com' });
    await call('POST', '/gmail/v1/users/bob%40example.com/settings/filters', bobToken, filter);
    expect(fake.effects).toEqual([{ capability: 'email.block_sender', target: 'spam@evil.example' }]);
    expect(
      (await call('POST', `${alice}/settings/filters`, token, { criteria: {}, action: {} })).status,
    ).toBe(400);

    const delivered = await call('POST', '/__messages', null, {
      mailbox: 'alice@example.com',
      from: 'spam@evil.example',
      subject: 'x',
    });
    expect(delivered.body.messages[0].labelIds).toEqual(['UNREAD', 'TRASH']);
    expect((await call('DELETE', `${alice}/settings/filters/${created.body.id}`, token)).status).toBe(204);
    expect((await call('GET', `${alice}/settings/filters`, token)).body).toEqual({});
  });

  it('hands out its service-account key for clients in another process', async () => {
    const res = await call('GET', '/__service-account-key', null);
    expect(res.body).toMatchObject({
      type: 'service_account',
      client_email: GMAIL_FAKE_CLIENT_EMAIL,
      private_key: defaultFakeKeyPair().privateKeyPem,
      token_uri: `${fake.url}/token`,
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('rate-limits with 429 (or 403 when asked) and Retry-After', async () => {
    const token = await tokenFor();
    fake.injectFaults([fake.rateLimitFault(5)]);
    const limited = await call('GET', `${alice}/profile`, token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(limited.body.error).toMatchObject({
      errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits' }],
      status: 'RESOURCE_EXHAUSTED',
    });

    await fake.stop();
    fake = createGmailFake({ rateLimitStatus: 403 });
    await fake.start(0);
    const fresh = await tokenFor();
    fake.injectFaults([fake.rateLimitFault(5)]);
    const forbidden = await call('GET', `${alice}/profile`, fresh);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.errors[0]).toMatchObject({
      reason: 'userRateLimitExceeded',
      domain: 'usageLimits',
    });
  });
});
