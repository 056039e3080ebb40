import {
  createMdeFake,
  EICAR_SHA1,
  MDE_FAKE_CLIENT_ID,
  MDE_FAKE_CLIENT_SECRET,
  MDE_FAKE_TENANT_ID,
  type MdeFake,
} from './microsoft-defender-endpoint.fake';

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** Raw HTTP against the fake: the documented shapes, independent of the adapter. */
describe('Defender for Endpoint fake', () => {
  let fake: MdeFake;
  let token: string;

  const tokenRequest = (fields: Record<string, string>, version = 'v2.0/') =>
    fetch(`${fake.url}/${MDE_FAKE_TENANT_ID}/oauth2/${version}token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
  const goodCredentials = {
    grant_type: 'client_credentials',
    client_id: MDE_FAKE_CLIENT_ID,
    client_secret: MDE_FAKE_CLIENT_SECRET,
  };
  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; auth?: string | null } = {},
  ): Promise<Answer> => {
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
  const machines = async (filter: string) =>
    (await call('GET', `/api/machines?$filter=${encodeURIComponent(filter)}`)).body;
  const names = (list: { value: Array<{ computerDnsName: string }> }) =>
    list.value.map((m) => m.computerDnsName);
  const idOf = (dnsName: string) => fake.machineNamed(dnsName)!.id;

  beforeEach(async () => {
    fake = createMdeFake();
    await fake.start(0);
    const res = await tokenRequest({
      ...goodCredentials,
      scope: 'https://api.securitycenter.microsoft.com/.default',
    });
    expect(res.status).toBe(200);
    const issued = (await res.json()) as Record<string, unknown>;
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    token = String(issued.access_token);
  });
  afterEach(() => fake.stop());

  it('answers Entra errors with the OAuth2 error, the AADSTS code and trace ids', async () => {
    const scope = 'https://api.securitycenter.microsoft.com/.default';
    const badSecret = await tokenRequest({ ...goodCredentials, client_secret: 'x', scope });
    expect(badSecret.status).toBe(401);
    const body = (await badSecret.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(String(body.error_description)).toMatch(
      /^AADSTS7000215: Invalid client secret provided\..*\r\nTrace ID: /s,
    );

    const badScope = await tokenRequest({
      ...goodCredentials,
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(badScope.status).toBe(400);
    expect(await badScope.json()).toMatchObject({ error: 'invalid_scope', error_codes: [70011] });

    const badGrant = await tokenRequest({ ...goodCredentials, grant_type: 'password', scope });
    expect(await badGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });

    const otherTenant = await fetch(`${fake.url}/contoso.onmicrosoft.com/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...goodCredentials, scope }),
    });
    expect(otherTenant.status).toBe(400);
    expect(await otherTenant.json()).toMatchObject({ error: 'invalid_request', error_codes: [90002] });

    // v1 asks for a resource instead of a scope.
    const v1 = await tokenRequest(
      { ...goodCredentials, resource: 'https://api.securitycenter.microsoft.com' },
      '',
    );
    expect(v1.status).toBe(200);
    expect(await v1.json()).toMatchObject({
      token_type: 'Bearer',
      resource: 'https://api.securitycenter.microsoft.com',
    });
  });

  it('refuses calls without a live token with Defender’s error shape', async () => {
    const anon = await call('GET', '/api/machines', { auth: null });
    expect(anon.status).toBe(401);
    expect(anon.body).toEqual({
      error: {
        code: 'Unauthorized',
        message: 'Authorization has been denied for this request.',
        target: expect.any(String),
      },
    });
    fake.expireTokens();
    expect((await call('GET', '/api/machines')).status).toBe(401);
  });

  it('lists machines with OData filters, $top and $skip', async () => {
    expect(names(await machines("startswith(computerDnsName,'WS-')"))).toEqual([
      'ws-01.contoso.com',
      'ws-fin-07.contoso.com',
      'ws-fin-07.contoso.com',
      'ws-lab-09',
    ]);
    expect(names(await machines("computerDnsName eq 'WS-01.CONTOSO.COM'"))).toEqual(['ws-01.contoso.com']);
    expect(
      names(
        await machines(
          "osPlatform eq 'Linux' or (healthStatus eq 'Inactive' and lastSeen lt 2025-01-01T00:00:00Z)",
        ),
      ),
    ).toEqual(['ws-fin-07.contoso.com', 'srv-db-02.contoso.com']);
    expect((await machines("computerDnsName eq 'nothing-here'")).value).toEqual([]);

    const page = await call('GET', '/api/machines?$top=2&$skip=1');
    expect(page.body['@odata.context']).toBe(`${fake.url}/api/$metadata#Machines`);
    expect(page.body.value).toHaveLength(2);

    const notFilterable = await call(
      'GET',
      `/api/machines?$filter=${encodeURIComponent("agentVersion eq '1'")}`,
    );
    expect(notFilterable.status).toBe(400);
    expect(notFilterable.body.error).toMatchObject({
      code: 'ODataError',
      message: expect.stringMatching(/not a filterable/),
    });
    expect((await call('GET', '/api/machines?$top=10001')).status).toBe(400);
  });

  it('answers 404 ResourceNotFound for an unknown machine', async () => {
    const res = await call('GET', `/api/machines/${'0'.repeat(40)}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'ResourceNotFound',
      message: `Machine ${'0'.repeat(40)} was not found`,
    });
    const found = await call('GET', `/api/machines/${idOf('ws-01.contoso.com')}`);
    expect(found.body).toMatchObject({
      computerDnsName: 'ws-01.contoso.com',
      osPlatform: 'Windows10',
      healthStatus: 'Active',
    });
  });

  it('runs an isolation through Pending, InProgress and Succeeded, and refuses duplicates with 400', async () => {
    const id = idOf('ws-01.contoso.com');
    const created = await call('POST', `/api/machines/${id}/isolate`, {
      body: { Comment: 'case 1', IsolationType: 'Full' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'Isolate',
      scope: 'Full',
      status: 'Pending',
      machineId: id,
      requestorComment: 'case 1',
    });
    const read = async () => (await call('GET', `/api/machineactions/${created.body.id}`)).body.status;

    const duplicate = await call('POST', `/api/machines/${id}/isolate`, { body: { Comment: 'again' } });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error).toMatchObject({
      code: 'ActiveRequestAlreadyExists',
      message: 'Action is already in progress',
    });

    expect([await read(), await read(), await read()]).toEqual(['Pending', 'InProgress', 'Succeeded']);
    expect(fake.store.state(id)?.isolated).toBe(true);
    // Still isolated: a new isolate is refused the same way, and the machine stays isolated.
    expect((await call('POST', `/api/machines/${id}/isolate`, { body: { Comment: 'again' } })).status).toBe(
      400,
    );
    expect(fake.effects).toEqual([{ capability: 'edr.isolate_host', target: id }]);

    const listed = await call(
      'GET',
      `/api/machineactions?$filter=${encodeURIComponent(`machineId eq '${id}' and type eq 'Isolate'`)}`,
    );
    expect(listed.body.value.map((a: { status: string }) => a.status)).toEqual(['Succeeded']);

    const release = await call('POST', `/api/machines/${id}/unisolate`, { body: { Comment: 'done' } });
    expect(release.body).toMatchObject({ type: 'Unisolate', status: 'Pending' });
  });

  it('checks action bodies: parameter names are case-sensitive and Comment is required', async () => {
    const id = idOf('ws-01.contoso.com');
    const lowerCase = await call('POST', `/api/machines/${id}/isolate`, {
      body: { comment: 'x', isolationType: 'Full' },
    });
    expect(lowerCase.status).toBe(400);
    expect(lowerCase.body.error.code).toBe('InvalidRequestBody');
    const noComment = await call('POST', `/api/machines/${id}/unisolate`, { body: {} });
    expect(noComment.body.error.code).toBe('MissingRequiredParameter');
    const badType = await call('POST', `/api/machines/${id}/isolate`, {
      body: { Comment: 'x', IsolationType: 'Partial' },
    });
    expect(badType.body.error.code).toBe('InvalidInput');
    const unknown = await call('POST', `/api/machines/${'0'.repeat(40)}/isolate`, { body: { Comment: 'x' } });
    expect(unknown.status).toBe(404);
    expect(fake.effects).toEqual([]);
  });

  it('quarantines a file present on the machine, fails one that is not, and refuses non-Windows', async () => {
    const id = idOf('ws-01.contoso.com');
    const quarantine = async (sha1: string, machine = id) =>
      call('POST', `/api/machines/${machine}/StopAndQuarantineFile`, { body: { Comment: 'q', Sha1: sha1 } });
    const settle = async (actionId: string) => {
      for (let i = 0; i < 3; i++) await call('GET', `/api/machineactions/${actionId}`);
      return (await call('GET', `/api/machineactions/${actionId}`)).body;
    };

    const ok = await quarantine(EICAR_SHA1);
    expect(ok.body).toMatchObject({
      type: 'StopAndQuarantineFile',
      relatedFileInfo: { fileIdentifier: EICAR_SHA1, fileIdentifierType: 'Sha1' },
    });
    expect((await quarantine(EICAR_SHA1)).body.error.code).toBe('ActiveRequestAlreadyExists');
    expect(await settle(ok.body.id)).toMatchObject({ status: 'Succeeded' });
    expect(fake.store.state(id)).toMatchObject({ files: [], quarantined: [EICAR_SHA1] });

    const missing = await quarantine('a'.repeat(40));
    expect(await settle(missing.body.id)).toMatchObject({ status: 'Failed', errorHResult: -2147024894 });

    expect((await quarantine('nothex')).body.error.code).toBe('InvalidHashValue');
    const linux = await quarantine(EICAR_SHA1, idOf('srv-db-02.contoso.com'));
    expect(linux.status).toBe(400);
    expect(linux.body.error.code).toBe('OsPlatformNotSupported');
  });

  it('leaves actions on an inactive machine Pending, and cancels them', async () => {
    const id = idOf('laptop-off-05.contoso.com');
    const created = await call('POST', `/api/machines/${id}/isolate`, { body: { Comment: 'offline' } });
    for (let i = 0; i < 3; i++) {
      expect((await call('GET', `/api/machineactions/${created.body.id}`)).body.status).toBe('Pending');
    }
    const cancelled = await call('POST', `/api/machineactions/${created.body.id}/cancel`, {
      body: { Comment: 'stop' },
    });
    expect(cancelled.body).toMatchObject({ status: 'Cancelled', cancellationComment: 'stop' });
    expect(
      (await call('POST', `/api/machineactions/${created.body.id}/cancel`, { body: { Comment: 'stop' } }))
        .status,
    ).toBe(400);
  });

  it('serves 429 with Retry-After and a TooManyRequests body', async () => {
    fake.rateLimitNext({ retryAfterSeconds: 30 });
    const limited = await call('GET', '/api/machines');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.body.error.code).toBe('TooManyRequests');

    // A 429 injected over HTTP without the header still gets one.
    await fetch(`${fake.url}/__faults`, { method: 'POST', body: JSON.stringify([{ status: 429 }]) });
    const injected = await call('GET', '/api/machines');
    expect(injected.headers.get('retry-after')).toBe('1');
    expect(injected.body.error.code).toBe('TooManyRequests');
  });

  it('adds machines at run time over POST /__machines, unrecorded', async () => {
    const res = await call('POST', '/__machines', {
      body: { computerDnsName: 'new-01.contoso.com', isolated: true },
    });
    expect(res.status).toBe(201);
    expect(names(await machines("computerDnsName eq 'new-01.contoso.com'"))).toEqual(['new-01.contoso.com']);
    const id = idOf('new-01.contoso.com');
    const history = await call(
      'GET',
      `/api/machineactions?$filter=${encodeURIComponent(`machineId eq '${id}'`)}`,
    );
    expect(history.body.value).toEqual([expect.objectContaining({ type: 'Isolate', status: 'Succeeded' })]);
    expect((await call('POST', '/__machines', { body: { osPlatform: 'Linux' } })).status).toBe(400);
    expect(fake.calls.some((c) => c.path.startsWith('/__'))).toBe(false);
  });
});
