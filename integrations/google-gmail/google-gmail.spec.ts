import { HttpClient, type HttpClientOptions } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { fakeServiceAccountKey, generateFakeKeyPair, GMAIL_FAKE_CLIENT_EMAIL } from './fake/fake-keys';
import { createGmailFake, SCOPE, type GmailFake, type GmailFakeOptions } from './fake/google-gmail.fake';
import gmail from './index';

const PHISH_ID = '<phish-001@attacker.example>';

describe('Google Gmail integration against its fake', () => {
  let fake: GmailFake;
  const sleeps: number[] = [];

  async function startFake(options: GmailFakeOptions = {}) {
    await fake?.stop();
    fake = createGmailFake(options);
    await fake.start(0);
  }

  beforeEach(async () => {
    sleeps.length = 0;
    await startFake();
  });
  afterEach(() => fake.stop());

  function context(
    options: { settings?: Record<string, unknown>; key?: string; http?: Partial<HttpClientOptions> } = {},
  ): ActionContext {
    const http = new HttpClient({
      vendor: gmail.manifest.vendor,
      baseUrl: fake.url,
      sleep: async (ms) => void sleeps.push(ms),
      ...options.http,
    });
    return {
      connection: {
        id: 'conn-gmail',
        baseUrl: fake.url,
        settings: {
          tokenUrl: `${fake.url}/token`,
          gmailUrl: fake.url,
          mailboxes: 'alice@example.com,bob@example.com',
          ...options.settings,
        },
        secrets: { serviceAccountKey: options.key ?? fakeServiceAccountKey(`${fake.url}/token`) },
      },
      idempotencyKey: 'run-1/step-1',
      http,
    };
  }
  const run = (ctx: ActionContext, action: string, input: Record<string, unknown>) =>
    gmail.actions[action].run(ctx, input) as Promise<Record<string, any>>;
  const calls = (method: string, fragment: string) =>
    fake.calls.filter((c) => c.method === method && c.path.includes(fragment));
  const params = (path: string) => new URL(path, fake.url).searchParams;
  const claimsOf = (assertion: string) => ({
    header: JSON.parse(Buffer.from(assertion.split('.')[0], 'base64url').toString()),
    claims: JSON.parse(Buffer.from(assertion.split('.')[1], 'base64url').toString()),
  });
  const phishIn = (email: string) =>
    fake.store.messages(fake.store.user(email)!).find((m) => m.headers.some((h) => h.value === PHISH_ID))!;

  it('searches each mailbox as its user and maps messages to the contract', async () => {
    const found = await run(context(), 'search_messages', { internet_message_id: PHISH_ID });
    expect(found).toEqual({
      count: 2,
      messages: [
        {
          mailbox: 'alice@example.com',
          message_id: phishIn('alice@example.com').id,
          internet_message_id: PHISH_ID,
          subject: 'Invoice overdue',
          sender: 'billing@attacker.example',
          received_at: '2030-01-06T09:14:03.000Z',
        },
        expect.objectContaining({ mailbox: 'bob@example.com', message_id: phishIn('bob@example.com').id }),
      ],
    });
    const [list] = calls('GET', '/gmail/v1/users/alice%40example.com/messages?');
    expect(Object.fromEntries(params(list.path))).toEqual({
      q: 'rfc822msgid:phish-001@attacker.example',
      includeSpamTrash: 'true',
      maxResults: '100',
    });
    const [get] = calls('GET', `/messages/${phishIn('alice@example.com').id}`);
    expect(params(get.path).get('format')).toBe('metadata');
    expect(params(get.path).getAll('metadataHeaders')).toEqual(['Subject', 'From', 'Date', 'Message-ID']);

    // One token per impersonated mailbox, from a JWT the service account signed.
    const tokens = calls('POST', '/token').map((c) => c.body as Record<string, string>);
    expect(tokens).toHaveLength(2);
    expect(tokens[0].grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const { header, claims } = claimsOf(tokens[0].assertion);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(claims).toEqual({
      iss: GMAIL_FAKE_CLIENT_EMAIL,
      sub: 'alice@example.com',
      scope: `${SCOPE.modify} ${SCOPE.settingsBasic}`,
      aud: `${fake.url}/token`,
      iat: expect.any(Number),
      exp: claims.iat + 3600,
    });
    expect(claimsOf(tokens[1].assertion).claims.sub).toBe('bob@example.com');
  });

  it('builds Gmail queries from sender and subject and includes spam and trash', async () => {
    const ctx = context();
    const spam = await run(ctx, 'search_messages', {
      sender: 'news@news.example',
      mailboxes: ['carol@example.com'],
    });
    expect(spam.messages).toEqual([expect.objectContaining({ subject: 'This week at Example' })]);
    const both = await run(ctx, 'search_messages', {
      sender: 'billing@attacker.example',
      subject: 'final "reminder"',
      mailboxes: ['bob@example.com'],
    });
    expect(both.messages.map((m: any) => m.internet_message_id)).toEqual(['<phish-002@attacker.example>']);
    const nothing = await run(ctx, 'search_messages', { subject: 'no such thing' });
    expect(nothing).toEqual({ messages: [], count: 0 });
    const queries = calls('GET', '/messages?').map((c) => params(c.path).get('q'));
    expect(queries).toContain('from:billing@attacker.example subject:"final reminder"');
  });

  it('follows nextPageToken', async () => {
    await startFake({
      users: ['alice@example.com'],
      messages: Array.from({ length: 120 }, (_, i) => ({
        mailbox: 'alice@example.com',
        from: 'bulk@attacker.example',
        subject: `Spam ${i}`,
        date: new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString(),
      })),
    });
    const found = await run(context({ settings: { mailboxes: 'alice@example.com' } }), 'search_messages', {
      sender: 'bulk@attacker.example',
    });
    expect(found.count).toBe(120);
    const lists = calls('GET', '/messages?');
    expect(lists).toHaveLength(2);
    expect(params(lists[1].path).get('pageToken')).toBe('00000000100');
  });

  it('refuses bad input and a bad key before calling Google, without quoting the key', async () => {
    expect(await caught(run(context(), 'search_messages', {}))).toMatchObject({ code: 'BAD_INPUT' });
    expect(
      await caught(run(context({ settings: { mailboxes: '' } }), 'block_sender', { sender: 'x@y.example' })),
    ).toMatchObject({ code: 'BAD_INPUT' });
    const notJson = await caught(
      run(context({ key: '-----BEGIN PRIVATE KEY----- secret' }), 'search_messages', { sender: 'a@b' }),
    );
    expect(notJson).toMatchObject({ code: 'BAD_CREDENTIALS', retryable: false });
    expect(notJson.message).not.toContain('secret');
    const badPem = JSON.stringify({ client_email: 'x@y', private_key: 'not a key' });
    expect(await caught(run(context({ key: badPem }), 'search_messages', { sender: 'a@b' }))).toMatchObject({
      code: 'BAD_CREDENTIALS',
      message: 'serviceAccountKey.private_key is not a PEM private key',
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('trashes a message once, keeps its id, and says already on a repeat', async () => {
    const ctx = context();
    const id = phishIn('bob@example.com').id;
    const input = { mailbox: 'bob@example.com', message_id: id };
    expect(await run(ctx, 'quarantine_message', input)).toEqual({
      ...input,
      status: 'quarantined',
      already: false,
    });
    expect(phishIn('bob@example.com').labelIds).toEqual(['UNREAD', 'TRASH']);
    expect(await run(ctx, 'quarantine_message', input)).toEqual({
      ...input,
      status: 'quarantined',
      already: true,
    });
    expect(calls('POST', '/trash')).toHaveLength(1);
    expect(calls('GET', `/messages/${id}?format=minimal`)).toHaveLength(2);
    expect(fake.effects).toEqual([
      { capability: 'email.quarantine_message', target: `bob@example.com ${PHISH_ID}` },
    ]);
  });

  it('untrashes back to the inbox, adding INBOX when the message had been archived', async () => {
    const ctx = context();
    const input = { mailbox: 'alice@example.com', message_id: phishIn('alice@example.com').id };
    expect(await run(ctx, 'restore_message', input)).toMatchObject({ status: 'restored', already: true });
    await run(ctx, 'quarantine_message', input);
    expect(await run(ctx, 'restore_message', input)).toMatchObject({ status: 'restored', already: false });
    expect(phishIn('alice@example.com').labelIds).toEqual(['UNREAD', 'INBOX']);
    expect(calls('POST', '/modify')).toHaveLength(0);

    const archived = fake.deliver({
      mailbox: 'alice@example.com',
      from: 'x@y.example',
      subject: 'old',
      labelIds: ['TRASH'],
    });
    const out = await run(ctx, 'restore_message', { mailbox: 'alice@example.com', message_id: archived.id });
    expect(out.already).toBe(false);
    expect(calls('POST', '/modify')[0].body).toEqual({ addLabelIds: ['INBOX'] });
    expect(archived.labelIds).toEqual(['INBOX']);
  });

  it('surfaces Google errors with vendor, status, code and message', async () => {
    const err = await caught(
      run(context(), 'quarantine_message', { mailbox: 'alice@example.com', message_id: '0000000000000000' }),
    );
    expect(err).toMatchObject({
      vendor: 'Google',
      status: 404,
      code: 'notFound',
      message: 'Requested entity was not found.',
      retryable: false,
    });
    expect(calls('POST', '/trash')).toHaveLength(0);
  });

  it('blocks a sender with one filter per mailbox, and only once', async () => {
    const ctx = context();
    expect(await run(ctx, 'block_sender', { sender: 'Billing@Attacker.example' })).toEqual({
      sender: 'billing@attacker.example',
      blocked: true,
      already: false,
    });
    const posts = calls('POST', '/settings/filters');
    expect(posts.map((c) => c.path).sort()).toEqual([
      '/gmail/v1/users/alice%40example.com/settings/filters',
      '/gmail/v1/users/bob%40example.com/settings/filters',
    ]);
    expect(posts[0].body).toEqual({
      criteria: { from: 'billing@attacker.example' },
      action: { addLabelIds: ['TRASH'] },
    });
    expect(await run(ctx, 'block_sender', { sender: 'billing@attacker.example' })).toMatchObject({
      already: true,
    });
    expect(calls('POST', '/settings/filters')).toHaveLength(2);
    const next = fake.deliver({
      mailbox: 'bob@example.com',
      from: 'billing@attacker.example',
      subject: 'again',
    });
    expect(next.labelIds).toEqual(['UNREAD', 'TRASH']);
  });

  it('counts a domain filter as a block, but not one narrowed by other criteria', async () => {
    fake.store.addFilter(fake.store.user('alice@example.com')!, {
      criteria: { from: 'attacker.example' },
      action: { addLabelIds: ['TRASH'] },
    });
    fake.store.addFilter(fake.store.user('bob@example.com')!, {
      criteria: { from: 'billing@attacker.example', subject: 'invoice' },
      action: { addLabelIds: ['TRASH'] },
    });
    const out = await run(context(), 'block_sender', { sender: 'billing@attacker.example' });
    expect(out.already).toBe(false);
    expect(calls('POST', '/settings/filters').map((c) => c.path)).toEqual([
      '/gmail/v1/users/bob%40example.com/settings/filters',
    ]);
  });

  it('reports a key the fake does not trust, an unknown user and ungranted scopes as auth failures', async () => {
    const stranger = fakeServiceAccountKey(`${fake.url}/token`, generateFakeKeyPair());
    const badKey = await caught(
      run(context({ key: stranger }), 'search_messages', { sender: 'a@b.example' }),
    );
    expect(badKey).toMatchObject({ vendor: 'Google', status: 400, code: 'AUTH_FAILED', retryable: false });
    expect(badKey.message).toBe('authentication failed for alice@example.com: Invalid JWT Signature.');

    const unknown = await caught(
      run(context(), 'search_messages', { sender: 'a@b.example', mailboxes: ['nobody@example.com'] }),
    );
    expect(unknown.message).toBe('authentication failed for nobody@example.com: Invalid email or User ID');

    await startFake({ authorizedScopes: [SCOPE.modify] });
    const scopes = await caught(run(context(), 'block_sender', { sender: 'a@b.example' }));
    expect(scopes).toMatchObject({ status: 401, code: 'AUTH_FAILED' });
    expect(scopes.message).toMatch(/Client is unauthorized to retrieve access tokens/);
  });

  it('surfaces a missing scope as insufficientPermissions', async () => {
    const ctx = context({ settings: { scopes: SCOPE.modify } });
    const err = await caught(
      run(ctx, 'block_sender', { sender: 'a@b.example', mailboxes: ['alice@example.com'] }),
    );
    expect(err).toMatchObject({ status: 403, code: 'insufficientPermissions', retryable: false });
  });

  it('waits as Retry-After says on a 429', async () => {
    fake.injectFaults([{ ...fake.rateLimitFault(9), match: { pathPrefix: '/gmail/' } }]);
    await run(context(), 'search_messages', {
      internet_message_id: PHISH_ID,
      mailboxes: ['alice@example.com'],
    });
    expect(sleeps).toEqual([9000]);
  });

  it('hands a 403 rate limit back as retryable, with the wait Gmail asked for', async () => {
    await startFake({ rateLimitStatus: 403 });
    fake.injectFaults([{ ...fake.rateLimitFault(30), match: { pathPrefix: '/gmail/' } }]);
    const err = await caught(
      run(context(), 'search_messages', { sender: 'a@b.example', mailboxes: ['alice@example.com'] }),
    );
    expect(err).toMatchObject({
      status: 403,
      code: 'userRateLimitExceeded',
      retryable: true,
      retryAfterMs: 30_000,
    });
    expect(err.message).toMatch(/^User-rate limit exceeded/);
  });

  it('fetches new tokens when Google refuses the cached ones', async () => {
    const ctx = context();
    await run(ctx, 'search_messages', { sender: 'cfo@example.com' });
    fake.expireTokens();
    await run(ctx, 'search_messages', { sender: 'cfo@example.com' });
    expect(calls('POST', '/token')).toHaveLength(4);
  });

  it('passes the health check through the first mailbox, or with the service account alone', async () => {
    await expect(gmail.healthCheck(context())).resolves.toBeUndefined();
    expect(calls('GET', '/profile').map((c) => c.path)).toEqual([
      '/gmail/v1/users/alice%40example.com/profile',
    ]);
    fake.resetCalls();
    await expect(gmail.healthCheck(context({ settings: { mailboxes: '' } }))).resolves.toBeUndefined();
    expect(fake.calls.map((c) => c.path)).toEqual(['/token']);
    expect(claimsOf((fake.calls[0].body as Record<string, string>).assertion).claims.sub).toBeUndefined();
  });

  it('reaches Google on its own hosts when the platform client points elsewhere', async () => {
    const ctx = context({ http: { baseUrl: 'http://127.0.0.1:9', maxAttempts: 1 } });
    expect((await run(ctx, 'search_messages', { internet_message_id: PHISH_ID })).count).toBe(2);
  });
});
