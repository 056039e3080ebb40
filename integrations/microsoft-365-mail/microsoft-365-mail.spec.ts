import { HttpClient, type HttpClientOptions } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import {
  createGraphMailFake,
  GRAPH_FAKE_CLIENT_ID,
  GRAPH_FAKE_CLIENT_SECRET,
  GRAPH_FAKE_TENANT_ID,
  type GraphMailFake,
  type GraphMailFakeOptions,
} from './fake/microsoft-365-mail.fake';
import m365 from './index';

const PHISH_ID = '<phish-001@attacker.example>';

describe('Microsoft 365 mail integration against its fake', () => {
  let fake: GraphMailFake;
  let fakeNow: number;
  const sleeps: number[] = [];

  async function startFake(options: GraphMailFakeOptions = {}) {
    await fake?.stop();
    fake = createGraphMailFake({ now: () => fakeNow, ...options });
    await fake.start(0);
  }

  beforeEach(async () => {
    sleeps.length = 0;
    fakeNow = Date.parse('2030-01-10T00:00:00Z');
    await startFake();
  });
  afterEach(() => fake.stop());

  function context(
    options: {
      settings?: Record<string, unknown>;
      secret?: string;
      http?: Partial<HttpClientOptions>;
    } = {},
  ): ActionContext {
    const http = new HttpClient({
      vendor: m365.manifest.vendor,
      baseUrl: fake.url,
      sleep: async (ms) => void sleeps.push(ms),
      ...options.http,
    });
    return {
      connection: {
        id: 'conn-m365',
        baseUrl: fake.url,
        settings: {
          tenantId: GRAPH_FAKE_TENANT_ID,
          loginUrl: fake.url,
          graphUrl: fake.url,
          mailboxes: 'alice@example.com, bob@example.com',
          ...options.settings,
        },
        secrets: { clientId: GRAPH_FAKE_CLIENT_ID, clientSecret: options.secret ?? GRAPH_FAKE_CLIENT_SECRET },
      },
      idempotencyKey: 'run-1/step-1',
      http,
    };
  }
  const run = (ctx: ActionContext, action: string, input: Record<string, unknown>) =>
    m365.actions[action].run(ctx, input) as Promise<Record<string, any>>;
  const calls = (method: string, fragment: string | RegExp) =>
    fake.calls.filter(
      (c) =>
        c.method === method &&
        (typeof fragment === 'string' ? c.path.includes(fragment) : fragment.test(c.path)),
    );
  const query = (path: string) => new URL(path, fake.url).searchParams;
  const folderOf = (upn: string, id: string) => {
    const mailbox = fake.store.mailbox(upn)!;
    const message = mailbox.messages.get(id);
    return (
      message && [...mailbox.folders.values()].find((f) => f.id === message.parentFolderId)!.wellKnownName
    );
  };
  const copyIn = async (ctx: ActionContext, upn: string) => {
    const found = await run(ctx, 'search_messages', { internet_message_id: PHISH_ID, mailboxes: [upn] });
    const [{ mailbox, message_id }] = found.messages as Array<{ mailbox: string; message_id: string }>;
    return { mailbox, message_id };
  };

  it('searches every configured mailbox by Message-ID and maps messages to the contract', async () => {
    const found = await run(context(), 'search_messages', { internet_message_id: PHISH_ID });
    expect(found.count).toBe(2);
    expect(found.messages).toEqual([
      {
        mailbox: 'alice@example.com',
        message_id: expect.stringMatching(/^AAMkAG/),
        internet_message_id: PHISH_ID,
        subject: 'Invoice overdue',
        sender: 'billing@attacker.example',
        received_at: '2030-01-06T09:14:03Z',
      },
      expect.objectContaining({ mailbox: 'bob@example.com', received_at: '2030-01-06T09:14:05Z' }),
    ]);
    const [list] = calls('GET', '/v1.0/users/alice%40example.com/messages');
    expect(query(list.path).get('$filter')).toBe(`internetMessageId eq '${PHISH_ID}'`);
    expect(query(list.path).get('$select')).toBe(
      'id,subject,from,receivedDateTime,internetMessageId,parentFolderId',
    );
    const token = calls('POST', '/oauth2/v2.0/token');
    expect(token).toHaveLength(1);
    expect(token[0].path).toBe(`/${GRAPH_FAKE_TENANT_ID}/oauth2/v2.0/token`);
    expect(token[0].body).toEqual({
      client_id: GRAPH_FAKE_CLIENT_ID,
      client_secret: GRAPH_FAKE_CLIENT_SECRET,
      grant_type: 'client_credentials',
      scope: `${fake.url}/.default`,
    });
  });

  it('combines criteria with "and", quotes OData strings, and lets the input name the mailboxes', async () => {
    const ctx = context();
    const bySender = await run(ctx, 'search_messages', {
      sender: 'billing@attacker.example',
      mailboxes: ['bob@example.com'],
    });
    expect(bySender.messages.map((m: any) => m.subject)).toEqual([
      'Invoice overdue: final reminder',
      'Invoice overdue',
    ]);
    const both = await run(ctx, 'search_messages', {
      internet_message_id: 'phish-001@attacker.example', // brackets added
      subject: 'Invoice overdue',
      sender: 'BILLING@attacker.example',
    });
    expect(both.count).toBe(2);
    const none = await run(ctx, 'search_messages', { subject: "Rock 'n' roll" });
    expect(none).toEqual({ messages: [], count: 0 });
    const filters = calls('GET', '/messages?').map((c) => query(c.path).get('$filter'));
    expect(filters).toContain(
      "internetMessageId eq '<phish-001@attacker.example>' and from/emailAddress/address eq 'BILLING@attacker.example' and subject eq 'Invoice overdue'",
    );
    expect(filters).toContain("subject eq 'Rock ''n'' roll'");
  });

  it('follows @odata.nextLink across pages', async () => {
    const messages = Array.from({ length: 130 }, (_, i) => ({
      mailbox: 'alice@example.com',
      from: 'bulk@attacker.example',
      subject: `Spam ${i}`,
      receivedDateTime: new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString(),
    }));
    await startFake({ mailboxes: ['alice@example.com'], messages });
    const found = await run(context({ settings: { mailboxes: 'alice@example.com' } }), 'search_messages', {
      sender: 'bulk@attacker.example',
    });
    expect(found.count).toBe(130);
    expect(new Set(found.messages.map((m: any) => m.message_id)).size).toBe(130);
    const pages = calls('GET', '/messages?');
    expect(pages).toHaveLength(2);
    expect(query(pages[1].path).get('$skip')).toBe('100');
  });

  it('refuses a search without criteria or mailboxes, before calling Graph', async () => {
    expect(await caught(run(context(), 'search_messages', {}))).toMatchObject({
      code: 'BAD_INPUT',
      retryable: false,
    });
    const noMailboxes = await caught(
      run(context({ settings: { mailboxes: '' } }), 'search_messages', { sender: 'x@y.example' }),
    );
    expect(noMailboxes).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(noMailboxes.message).toMatch(/mailboxes/);
    expect(fake.calls).toHaveLength(0);
  });

  it('surfaces Graph errors with vendor, status, code and message', async () => {
    const err = await caught(
      run(context(), 'search_messages', { sender: 'x@y.example', mailboxes: ['nobody@example.com'] }),
    );
    expect(err).toMatchObject({
      vendor: 'Microsoft',
      status: 404,
      code: 'ErrorInvalidUser',
      message: "The requested user 'nobody@example.com' is invalid.",
      retryable: false,
    });
  });

  it('quarantines by moving to Deleted Items, returns the new id, and recognises a repeat', async () => {
    const ctx = context();
    const copy = await copyIn(ctx, 'bob@example.com');
    const first = await run(ctx, 'quarantine_message', copy);
    expect(first).toEqual({
      mailbox: 'bob@example.com',
      message_id: expect.not.stringMatching(copy.message_id),
      status: 'quarantined',
      already: false,
    });
    expect(folderOf('bob@example.com', first.message_id)).toBe('deleteditems');
    const moves = calls('POST', '/move');
    expect(moves).toHaveLength(1);
    expect(moves[0].body).toEqual({ destinationId: 'deleteditems' });

    expect(await run(ctx, 'quarantine_message', { ...copy, message_id: first.message_id })).toEqual({
      ...first,
      already: true,
    });
    expect(calls('POST', '/move')).toHaveLength(1);
    // The old id is gone, as at Graph: a step replayed with it fails for good instead of guessing.
    expect(await caught(run(ctx, 'quarantine_message', copy))).toMatchObject({
      status: 404,
      code: 'ErrorItemNotFound',
      retryable: false,
    });
    expect(fake.effects).toEqual([
      { capability: 'email.quarantine_message', target: `bob@example.com ${PHISH_ID}` },
    ]);
  });

  it('honours the quarantineFolder setting', async () => {
    const ctx = context({ settings: { quarantineFolder: 'junkemail' } });
    const copy = await copyIn(ctx, 'alice@example.com');
    const out = await run(ctx, 'quarantine_message', copy);
    expect(folderOf('alice@example.com', out.message_id)).toBe('junkemail');
    expect(calls('POST', '/move')[0].body).toEqual({ destinationId: 'junkemail' });
  });

  it('restores a quarantined copy to the inbox, idempotently', async () => {
    const ctx = context();
    const copy = await copyIn(ctx, 'alice@example.com');
    expect(await run(ctx, 'restore_message', copy)).toEqual({ ...copy, status: 'restored', already: true });
    const quarantined = await run(ctx, 'quarantine_message', copy);
    const restored = await run(ctx, 'restore_message', quarantined);
    expect(restored).toMatchObject({ status: 'restored', already: false });
    expect(folderOf('alice@example.com', restored.message_id)).toBe('inbox');
    expect(calls('POST', '/move').map((c) => c.body)).toEqual([
      { destinationId: 'deleteditems' },
      { destinationId: 'inbox' },
    ]);
  });

  it('blocks a sender with one inbox rule per mailbox, and only once', async () => {
    const ctx = context();
    const out = await run(ctx, 'block_sender', { sender: 'Billing@Attacker.example' });
    expect(out).toEqual({ sender: 'billing@attacker.example', blocked: true, already: false });
    const posts = calls('POST', '/messageRules');
    expect(posts.map((c) => c.path).sort()).toEqual([
      '/v1.0/users/alice%40example.com/mailFolders/inbox/messageRules',
      '/v1.0/users/bob%40example.com/mailFolders/inbox/messageRules',
    ]);
    expect(posts[0].body).toEqual({
      displayName: 'Cordon: block billing@attacker.example',
      sequence: 1,
      isEnabled: true,
      conditions: { senderContains: ['billing@attacker.example'] },
      actions: { delete: true, stopProcessingRules: true },
    });
    expect(await run(ctx, 'block_sender', { sender: 'billing@attacker.example' })).toMatchObject({
      already: true,
    });
    expect(calls('POST', '/messageRules')).toHaveLength(2);

    // The rule works: new mail from the sender lands in Deleted Items.
    const delivered = fake.deliver({
      mailbox: 'alice@example.com',
      from: 'billing@attacker.example',
      subject: 'Again',
    });
    expect(folderOf('alice@example.com', delivered.id)).toBe('deleteditems');
  });

  it('counts a broader existing rule as a block, but not a disabled one', async () => {
    const ctx = context();
    fake.store.addRule(fake.store.mailbox('alice@example.com')!, {
      displayName: 'kill the domain',
      sequence: 2,
      isEnabled: true,
      conditions: { senderContains: ['attacker.example'] },
      actions: { delete: true },
    });
    fake.store.addRule(fake.store.mailbox('bob@example.com')!, {
      displayName: 'old, off',
      sequence: 2,
      isEnabled: false,
      conditions: { senderContains: ['billing@attacker.example'] },
      actions: { delete: true },
    });
    const out = await run(ctx, 'block_sender', { sender: 'billing@attacker.example' });
    expect(out.already).toBe(false);
    expect(calls('POST', '/messageRules').map((c) => c.path)).toEqual([
      '/v1.0/users/bob%40example.com/mailFolders/inbox/messageRules',
    ]);
  });

  it('reports bad credentials as a non-retryable auth error without the secret', async () => {
    const err = await caught(
      run(context({ secret: 'wrong-secret' }), 'search_messages', { sender: 'a@b.example' }),
    );
    expect(err).toMatchObject({ vendor: 'Microsoft', status: 401, code: 'AUTH_FAILED', retryable: false });
    expect(err.message).toMatch(/^authentication failed: AADSTS7000215: Invalid client secret provided/);
    expect(err.message).not.toMatch(/Trace ID/);
    expect(JSON.stringify(err)).not.toContain('wrong-secret');
  });

  it('waits as Retry-After says on a 429, then carries on', async () => {
    const ctx = context();
    fake.injectFaults([{ ...fake.rateLimitFault(7), match: { pathPrefix: '/v1.0/' } }]);
    const found = await run(ctx, 'search_messages', {
      internet_message_id: PHISH_ID,
      mailboxes: ['alice@example.com'],
    });
    expect(found.count).toBe(1);
    expect(sleeps).toEqual([7000]);
  });

  it('fetches a new token when Graph says the cached one expired', async () => {
    const ctx = context();
    await run(ctx, 'search_messages', { sender: 'cfo@example.com' });
    fakeNow += 3600 * 1000;
    await run(ctx, 'search_messages', { sender: 'cfo@example.com' });
    expect(calls('POST', '/oauth2/v2.0/token')).toHaveLength(2);
  });

  it('reaches Graph on its own host when the platform client points elsewhere', async () => {
    // In production the connection has no baseUrl: the shared client cannot reach either host.
    const ctx = context({ http: { baseUrl: 'http://127.0.0.1:9', maxAttempts: 1 } });
    const found = await run(ctx, 'search_messages', { internet_message_id: PHISH_ID });
    expect(found.count).toBe(2);
  });

  it('passes the health check, and fails it for an unknown tenant', async () => {
    await expect(m365.healthCheck(context())).resolves.toBeUndefined();
    expect(calls('GET', '/mailFolders/inbox')[0].path).toBe(
      '/v1.0/users/alice%40example.com/mailFolders/inbox?%24select=id',
    );
    const err = await caught(m365.healthCheck(context({ settings: { tenantId: 'contoso.example' } })));
    expect(err).toMatchObject({ status: 400, code: 'AUTH_FAILED' });
    expect(err.message).toMatch(/AADSTS90002: Tenant 'contoso.example' not found/);
  });
});
