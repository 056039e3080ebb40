import {
  createGraphMailFake,
  GRAPH_FAKE_CLIENT_ID,
  GRAPH_FAKE_CLIENT_SECRET,
  GRAPH_FAKE_TENANT_ID,
  type GraphMailFake,
} from './microsoft-365-mail.fake';

interface GraphError {
  error: { code: string; message: string; innerError: Record<string, string> };
}

/** Raw HTTP against the fake: the documented shapes, independent of the adapter. */
describe('Microsoft 365 mail (Graph) fake', () => {
  let fake: GraphMailFake;
  let token: string;

  const tokenRequest = (fields: Record<string, string>, tenant = GRAPH_FAKE_TENANT_ID) =>
    fetch(`${fake.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: GRAPH_FAKE_CLIENT_ID,
        client_secret: GRAPH_FAKE_CLIENT_SECRET,
        scope: 'https://graph.microsoft.com/.default',
        ...fields,
      }),
    });
  const call = async (method: string, path: string, init: { body?: unknown; auth?: string | null } = {}) => {
    const headers: Record<string, string> = {};
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
  const alice = '/v1.0/users/alice%40example.com';
  const filter = (f: string, extra = '') => `${alice}/messages?$filter=${encodeURIComponent(f)}${extra}`;

  beforeEach(async () => {
    fake = createGraphMailFake();
    await fake.start(0);
    const res = await tokenRequest({});
    expect(res.status).toBe(200);
    const issued = (await res.json()) as Record<string, unknown>;
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    token = issued.access_token as string;
  });
  afterEach(() => fake.stop());

  it('refuses a wrong tenant, client, secret or scope with Entra’s AADSTS errors', async () => {
    const cases: Array<[Record<string, string>, string | undefined, number, string, RegExp]> = [
      [{}, 'nope.example', 400, 'invalid_request', /^AADSTS90002: Tenant 'nope.example' not found/],
      [{ client_id: 'x' }, undefined, 400, 'unauthorized_client', /^AADSTS700016:/],
      [{ client_secret: 'x' }, undefined, 401, 'invalid_client', /^AADSTS7000215: Invalid client secret/],
      [{ scope: 'Mail.ReadWrite' }, undefined, 400, 'invalid_scope', /^AADSTS1002012:/],
      [{ grant_type: 'password' }, undefined, 400, 'unsupported_grant_type', /^AADSTS70003:/],
    ];
    for (const [fields, tenant, status, error, description] of cases) {
      const res = await tokenRequest(fields, tenant);
      expect(res.status).toBe(status);
      const body = (await res.json()) as Record<string, any>;
      expect(body.error).toBe(error);
      expect(body.error_description).toMatch(description);
      expect(body.error_description).toMatch(/\r\nTrace ID: /);
      expect(body.error_codes).toHaveLength(1);
    }
  });

  it('refuses missing, unknown and expired tokens with InvalidAuthenticationToken', async () => {
    const anon = await call('GET', `${alice}/messages`, { auth: null });
    expect(anon.status).toBe(401);
    expect((anon.body as GraphError).error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
      innerError: { 'request-id': expect.any(String), date: expect.any(String) },
    });
    expect((await call('GET', `${alice}/messages`, { auth: 'forged' })).status).toBe(401);
    fake.expireTokens();
    expect((await call('GET', `${alice}/messages`)).body.error.code).toBe('InvalidAuthenticationToken');
  });

  it('lists messages with $filter, $select, $top and a nextLink; errors in Graph’s shape', async () => {
    const all = await call('GET', `${alice}/messages`);
    expect(all.status).toBe(200);
    expect(all.body['@odata.context']).toContain("users('alice%40example.com')/messages");
    expect(all.body.value.map((m: any) => m.subject)).toEqual(['Invoice overdue', 'Q3 report']);
    expect(all.body.value[0]).toMatchObject({
      '@odata.etag': expect.stringMatching(/^W\/"/),
      internetMessageId: '<phish-001@attacker.example>',
      from: { emailAddress: { name: 'Billing', address: 'billing@attacker.example' } },
      toRecipients: [{ emailAddress: { address: 'alice@example.com' } }],
      isRead: false,
    });

    const selected = await call(
      'GET',
      filter("from/emailAddress/address eq 'CFO@example.com'", '&$select=id,subject'),
    );
    expect(selected.body.value).toEqual([
      { '@odata.etag': expect.any(String), id: expect.any(String), subject: 'Q3 report' },
    ]);
    const quoted = await call(
      'GET',
      filter("subject eq 'Q3 report' or (subject eq 'it''s' and isRead eq false)"),
    );
    expect(quoted.body.value).toHaveLength(1);

    const first = await call('GET', `${alice}/messages?$top=1`);
    expect(first.body.value).toHaveLength(1);
    const next = new URL(first.body['@odata.nextLink']);
    expect(next.origin).toBe(fake.url);
    expect(next.searchParams.get('$skip')).toBe('1');
    const second = await call('GET', `${next.pathname}${next.search}`);
    expect(second.body.value[0].subject).toBe('Q3 report');
    expect(second.body['@odata.nextLink']).toBeUndefined();

    const bad = await call('GET', filter("colour eq 'red'"));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'BadRequest',
      message: expect.stringMatching(/^Invalid filter clause/),
    });
    expect((await call('GET', `${alice}/messages?$top=0`)).status).toBe(400);
    const nobody = await call('GET', '/v1.0/users/nobody%40example.com/messages');
    expect(nobody.status).toBe(404);
    expect(nobody.body.error).toMatchObject({
      code: 'ErrorInvalidUser',
      message: "The requested user 'nobody@example.com' is invalid.",
    });
  });

  it('moves a message with 201 and a new id; the old id is gone', async () => {
    const [message] = (await call('GET', filter("internetMessageId eq '<phish-001@attacker.example>'"))).body
      .value;
    const deleted = (await call('GET', `${alice}/mailFolders/deleteditems`)).body;
    expect(deleted).toMatchObject({ displayName: 'Deleted Items', totalItemCount: 0 });

    const moved = await call('POST', `${alice}/messages/${encodeURIComponent(message.id)}/move`, {
      body: { destinationId: 'deleteditems' },
    });
    expect(moved.status).toBe(201);
    expect(moved.body.id).not.toBe(message.id);
    expect(moved.body.parentFolderId).toBe(deleted.id);
    expect((await call('GET', `${alice}/messages/${encodeURIComponent(message.id)}`)).body.error.code).toBe(
      'ErrorItemNotFound',
    );
    expect((await call('GET', `${alice}/mailFolders/DeletedItems`)).body.totalItemCount).toBe(1);
    expect(fake.effects).toEqual([
      { capability: 'email.quarantine_message', target: 'alice@example.com <phish-001@attacker.example>' },
    ]);

    const back = await call('POST', `${alice}/messages/${encodeURIComponent(moved.body.id)}/move`, {
      body: { destinationId: 'inbox' },
    });
    expect(back.status).toBe(201);
    expect(fake.effects.map((e) => e.capability)).toEqual([
      'email.quarantine_message',
      'email.restore_message',
    ]);

    expect((await call('GET', `${alice}/mailFolders/nosuchfolder`)).body.error.code).toBe(
      'ErrorInvalidIdMalformed',
    );
    const noDestination = await call('POST', `${alice}/messages/${encodeURIComponent(back.body.id)}/move`, {
      body: {},
    });
    expect(noDestination.status).toBe(400);
  });

  it('keeps inbox rules, applies them to delivered mail, and records a block once per sender', async () => {
    const rules = `${alice}/mailFolders/inbox/messageRules`;
    const rule = {
      displayName: 'block',
      sequence: 1,
      isEnabled: true,
      conditions: { senderContains: ['spam@evil.example'] },
      actions: { delete: true, stopProcessingRules: true },
    };
    const created = await call('POST', rules, { body: rule });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...rule,
      id: expect.any(String),
      hasError: false,
      isReadOnly: false,
    });
    await call('POST', '/v1.0/users/bob%40example.com/mailFolders/inbox/messageRules', { body: rule });
    expect(fake.effects).toEqual([{ capability: 'email.block_sender', target: 'spam@evil.example' }]);
    expect((await call('GET', rules)).body.value).toHaveLength(1);

    const delivered = await call('POST', '/__messages', {
      body: { mailbox: 'alice@example.com', from: 'spam@evil.example', subject: 'hi' },
    });
    const deletedItems = (await call('GET', `${alice}/mailFolders/deleteditems`)).body;
    expect(delivered.body.value[0].parentFolderId).toBe(deletedItems.id);

    expect((await call('POST', rules, { body: { displayName: 'x' } })).status).toBe(400);
    expect((await call('GET', `${alice}/mailFolders/deleteditems/messageRules`)).status).toBe(400);
    expect((await call('DELETE', `${rules}/${encodeURIComponent(created.body.id)}`)).status).toBe(204);
    expect((await call('GET', rules)).body.value).toEqual([]);
  });

  it('throttles with 429 and Retry-After, including over four concurrent requests per mailbox', async () => {
    fake.injectFaults([fake.rateLimitFault(12)]);
    const limited = await call('GET', `${alice}/messages`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('12');
    expect(limited.body.error.code).toBe('TooManyRequests');

    await fetch(`${fake.url}/__faults`, { method: 'POST', body: JSON.stringify([{ status: 429 }]) });
    expect((await call('GET', `${alice}/messages`)).headers.get('retry-after')).toBe('1');

    await fake.stop();
    fake = createGraphMailFake({ latencyMs: 80 });
    await fake.start(0);
    token = ((await (await tokenRequest({})).json()) as { access_token: string }).access_token;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call('GET', `${alice}/messages?$top=1`)),
    );
    const throttled = answers.filter((a) => a.status === 429);
    expect(throttled).toHaveLength(2);
    expect(throttled[0].body.error).toEqual(
      expect.objectContaining({
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxConcurrency limit.',
      }),
    );
    expect(throttled[0].headers.get('retry-after')).toBe('1');
    // Another mailbox is not affected.
    expect((await call('GET', '/v1.0/users/bob%40example.com/messages')).status).toBe(200);
  });
});
