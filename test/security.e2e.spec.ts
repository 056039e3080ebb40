import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { errorCodes, graphqlClient } from './support/graphql-client';

/**
 * HTTP and GraphQL hardening on the built server in production mode (as npm start runs it), with
 * small limits so that each one can be reached: security headers, no introspection or field
 * suggestions, CSRF prevention, depth, cost and page-size limits enforced before any resolver
 * runs, rate limits, and the outbound policy for connections.
 */
const ADMIN_KEY = 'cdn_e2e_security_admin_key_0123456789';

const ingest = (ref: string, selection: string) =>
  `mutation { ingestAlerts(input: [{ source: "edr", sourceRef: "${ref}", title: "t", severity: LOW }]) ${selection} }`;

describe('hardening of the HTTP and GraphQL surface', () => {
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;

  beforeAll(async () => {
    db = await testDatabase();
    cordon = await startCordon({
      env: {
        CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY,
        DATABASE_URL: db.url,
        GRAPHQL_MAX_DEPTH: '3',
        GRAPHQL_MAX_COMPLEXITY: '500',
        CORDON_RATE_LIMIT_MUTATIONS: '10',
        CORDON_RATE_LIMIT_APPROVALS: '2',
        CORDON_RATE_LIMIT_WEBHOOKS: '3',
        CORDON_RATE_LIMIT_FAILED_LOGINS: '3',
        // The real default: connections may not reach internal addresses.
        CORDON_ALLOW_PRIVATE_CONNECTIONS: '0',
      },
    });
    gql = graphqlClient(cordon.graphqlUrl);
  });

  afterAll(async () => {
    await cordon?.stop();
    await db?.drop();
  });

  /** Posts a document as a client would and returns the HTTP status with the first error. */
  async function post(query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY) {
    const res = await fetch(cordon.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: any;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    return { status: res.status, data: body.data, error: body.errors?.[0], errors: body.errors };
  }

  const alertCount = async () =>
    (await post(`{ alerts(first: 1) { totalCount } }`)).data.alerts.totalCount as number;

  it('sends security headers and no X-Powered-By', async () => {
    for (const res of [
      await fetch(`${cordon.url}/health/live`),
      await fetch(cordon.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { actorId } }' }),
      }),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
  });

  it('allows no introspection and suggests no field names in production', async () => {
    const intro = await post(`{ __schema { types { name } } }`);
    expect(intro.error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(intro.error?.message).toMatch(/introspection/i);
    const typo = await post(`{ mee { actorId } }`);
    expect(typo.error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(typo.error?.message).toMatch(/Cannot query field "mee"/);
    expect(typo.error?.message).not.toMatch(/did you mean/i);
  });

  it('refuses the request shapes a cross-site page can send (CSRF prevention)', async () => {
    const get = await fetch(`${cordon.graphqlUrl}?query=${encodeURIComponent('{ me { actorId } }')}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/Cross-Site Request Forgery/);
    const form = await fetch(cordon.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: ingest('csrf', '{ created }') }),
    });
    expect(form.status).toBe(400);
    expect(await alertCount()).toBe(0);
  });

  it('rejects an operation nested too deep before any resolver runs', async () => {
    // ingestAlerts › alerts › observables › type: four levels, the limit is three.
    const deep = await post(ingest('deep-1', '{ alerts { observables { type } } }'));
    expect(deep.status).toBe(400);
    expect(deep.error).toMatchObject({
      message: 'query too deep: 4 levels of fields, at most 3',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const viaFragment = await post(
      `${ingest('deep-2', '{ alerts { ...A } }')} fragment A on Alert { observables { type } }`,
    );
    expect(viaFragment.status).toBe(400);
    expect(await alertCount()).toBe(0);
    expect((await post(ingest('shallow', '{ alerts { id } }'))).errors).toBeUndefined();
    expect(await alertCount()).toBe(1);
  });

  it('rejects an operation that would cost too much, counting pages and aliases, before it runs', async () => {
    // 1 + 200 × (totalCount + pageInfo + hasNextPage) = 601 > 500; a page of 100 costs 301.
    const costly = await post(`{ alerts(first: 200) { totalCount pageInfo { hasNextPage } } }`);
    expect(costly.status).toBe(400);
    expect(costly.error?.message).toMatch(/^query too complex: estimated cost 601, at most 500/);
    expect(
      (await post(`{ alerts(first: 100) { totalCount pageInfo { hasNextPage } } }`)).errors,
    ).toBeUndefined();
    // Fifty aliased ingests (12 each) are refused as a whole: not one alert is written.
    const aliased = `mutation { ${Array.from(
      { length: 50 },
      (_, i) =>
        `a${i}: ingestAlerts(input: [{ source: "edr", sourceRef: "alias-${i}", title: "t", severity: LOW }]) { alerts { id } }`,
    ).join(' ')} }`;
    const refused = await post(aliased);
    expect(refused.status).toBe(400);
    expect(refused.error?.message).toMatch(/query too complex/);
    expect(await alertCount()).toBe(1);
  });

  it('caps the page size, given inline or in a variable', async () => {
    const inline = await post(`{ alerts(first: 201) { totalCount } }`);
    expect(inline.status).toBe(400);
    expect(inline.error?.message).toBe('alerts(first: 201): at most 200 items per page');
    const variable = await post(`query($n: Int!) { cases(first: $n) { totalCount } }`, { n: 5000 });
    expect(variable.error?.message).toBe('cases(first: 5000): at most 200 items per page');
  });

  it('applies the same limits to operations sent over the WebSocket', async () => {
    const client = createClient({
      url: cordon.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ADMIN_KEY}` },
      retryAttempts: 0,
    });
    const refusal = async (query: string) => {
      try {
        await client.iterate({ query }).next();
        return 'accepted';
      } catch (errors) {
        return (errors as { message: string }[]).map((e) => e.message).join('; ');
      }
    };
    try {
      expect(await refusal(`query { __schema { types { name } } }`)).toMatch(
        /introspection has been disabled/,
      );
      expect(await refusal(`query { cases { edges { node { id } } } }`)).toBe(
        'query too deep: 4 levels of fields, at most 3',
      );
      expect(
        await refusal(`query { a: alerts(first: 200) { totalCount pageInfo { hasNextPage } } }`),
      ).toMatch(/query too complex: estimated cost 601/);
    } finally {
      await client.dispose();
    }
  });

  it('refuses connections that would reach metadata, loopback or link-local addresses', async () => {
    const upsert = (integrationId: string, settings: unknown, secrets: unknown) =>
      post(`mutation($i: UpsertConnectionInput!) { upsertConnection(input: $i) { id } }`, {
        i: { integrationId, name: `c-${randomUUID().slice(0, 8)}`, settings, secrets },
      });
    const falconSecrets = { clientId: 'id', clientSecret: 'secret' };
    const metadata = await upsert(
      'crowdstrike-falcon',
      { baseUrl: 'http://169.254.169.254/latest' },
      falconSecrets,
    );
    expect(metadata.error?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: ['settings.baseUrl'],
    });
    expect(metadata.error?.message).toMatch(/169\.254\.169\.254 is a cloud metadata address/);
    const loopback = await upsert('crowdstrike-falcon', { baseUrl: 'http://127.0.0.1:9' }, falconSecrets);
    expect(loopback.error?.message).toMatch(/127\.0\.0\.1 is a loopback address/);
    // A secret's URL is checked too, and never echoed.
    const teams = await upsert('microsoft-teams', {}, { webhookUrl: 'http://[fe80::1]/hook?sig=s3cr3t' });
    expect(teams.error?.message).toMatch(/secrets\.webhookUrl: its host is refused/);
    expect(teams.error?.message).not.toContain('s3cr3t');
    // A public address is fine.
    expect(
      (await upsert('crowdstrike-falcon', { baseUrl: 'https://203.0.113.10' }, falconSecrets)).errors,
    ).toBeUndefined();
  });

  it('limits mutations per API key, leaving its queries alone', async () => {
    const created = await post(
      `mutation { createApiKey(input: { name: "busy", role: ANALYST }) { secret } }`,
    );
    const key = created.data.createApiKey.secret as string;
    for (let i = 0; i < 10; i++)
      expect(
        (await post(`mutation { createCase(input: { title: "c${i}" }) { id } }`, {}, key)).errors,
      ).toBeUndefined();
    const over = await post(`mutation { createCase(input: { title: "one too many" }) { id } }`, {}, key);
    expect(over.error?.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(over.error?.message).toMatch(/at most 10 mutation requests a minute \(per key\)/);
    expect((await post(`{ me { actorId } }`, {}, key)).errors).toBeUndefined();
  });

  it('limits approval decisions per API key on their own budget', async () => {
    const decide = () =>
      post(`mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { id } }`, {
        i: { approvalId: randomUUID(), decision: 'APPROVE' },
      });
    expect((await decide()).error?.extensions?.code).toBe('NOT_FOUND');
    expect((await decide()).error?.extensions?.code).toBe('NOT_FOUND');
    expect((await decide()).error?.extensions?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('limits webhook pushes per endpoint, answering 429', async () => {
    const push = (endpoint: string) =>
      fetch(`${cordon.url}/webhooks/alerts/crowdstrike`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-cordon-endpoint': endpoint,
          'x-cordon-timestamp': String(Math.floor(Date.now() / 1000)),
          'x-cordon-signature': 'sha256=00',
        },
        body: '{}',
      });
    const endpoint = randomUUID();
    // Refused (no valid signature) but counted: a flood is cut off before any verification work.
    for (let i = 0; i < 3; i++) expect([400, 401]).toContain((await push(endpoint)).status);
    const limited = await push(endpoint);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_REQUESTS');
    expect([400, 401]).toContain((await push(randomUUID())).status);
  });

  // Last: it blocks this test's address for a minute.
  it('slows down guessing API keys from one address', async () => {
    for (let i = 0; i < 3; i++)
      expect(
        errorCodes(await gql('{ me { actorId } }', {}, `cdn_guess_${i}_0000000000000000000000`)),
      ).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await gql('{ me { actorId } }', {}, 'cdn_guess_4_0000000000000000000000'))).toEqual([
      'TOO_MANY_REQUESTS',
    ]);
    // While blocked, the address is refused before any key is looked up, even a valid one.
    expect(errorCodes(await gql('{ me { actorId } }', {}, ADMIN_KEY))).toEqual(['TOO_MANY_REQUESTS']);
  });
});
