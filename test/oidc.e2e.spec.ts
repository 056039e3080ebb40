import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { errorCodes, eventually, type GraphqlResult } from './support/graphql-client';
import { startOidcProvider, unsignedToken, type FakeOidcProvider } from './support/oidc-provider';

/**
 * Users signed in with JWTs from an OpenID Connect provider, on the built server with a real
 * database and real Temporal. The provider is real too, if small: an HTTP server publishing a
 * JWKS of RS256 keys made with jose, and tokens signed with them.
 */
const PROVIDER_KEY = 'cdn_e2e_oidc_provider_admin_0123456789';
/** Enough failed logins for the forgeries below; the last test spends the rest. */
const FAILED_LOGIN_LIMIT = 20;

const ME = `{ me { kind actorId name email tenantId role providerAdmin } }`;
const ADD = `mutation($i: AddTenantMemberInput!) {
  addTenantMember(input: $i) { tenantId userId actorId role email name issuer subject lastSeenAt } }`;
const REMOVE = `mutation($i: RemoveTenantMemberInput!) { removeTenantMember(input: $i) { userId role } }`;
const MEMBERS = `query($t: ID) { tenantMembers(tenantId: $t) { totalCount edges { node { userId email role } } } }`;
const CREATE_CASE = `mutation($i: CreateCaseInput!) { createCase(input: $i) { id timeline { kind actor } } }`;

const approvalPlaybook = `id: user-approval
name: A decision for a person
trigger: { event: manual }
steps:
  - id: approve
    approval:
      prompt: 'Go ahead?'
      approvers: { roles: [responder] }
      quorum: 1
      timeout: 1h
`;

describe('users signed in with an OIDC provider', () => {
  let idp: FakeOidcProvider;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let defaultTenant: string;
  let second: string;
  let third: string;

  /** A GraphQL request with a bearer credential and, optionally, the tenant to act in. */
  async function call<T = any>(
    credential: string | undefined,
    query: string,
    variables: Record<string, unknown> = {},
    tenant?: string,
  ): Promise<GraphqlResult<T>> {
    const res = await fetch(cordon.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(credential ? { authorization: `Bearer ${credential}` } : {}),
        ...(tenant ? { 'x-cordon-tenant': tenant } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphqlResult<T>;
  }

  async function ok<T = any>(
    credential: string,
    query: string,
    variables: Record<string, unknown> = {},
    tenant?: string,
  ): Promise<T> {
    const res = await call<T>(credential, query, variables, tenant);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }

  const person = (sub: string, extra: Record<string, unknown> = {}) =>
    idp.token({ sub, email: `${sub}@mdr.example`, name: `${sub[0].toUpperCase()}${sub.slice(1)}`, ...extra });

  async function tenant(name: string): Promise<string> {
    return (
      await ok(PROVIDER_KEY, `mutation($i: CreateTenantInput!) { createTenant(input: $i) { id } }`, {
        i: { name },
      })
    ).createTenant.id as string;
  }

  beforeAll(async () => {
    idp = await startOidcProvider();
    db = await testDatabase();
    cordon = await startCordon({
      env: {
        CORDON_BOOTSTRAP_API_KEY: PROVIDER_KEY,
        DATABASE_URL: db.url,
        CORDON_OIDC_ISSUER: idp.issuer,
        CORDON_OIDC_AUDIENCE: idp.audience,
        CORDON_OIDC_JWKS_URL: idp.jwksUrl,
        // A rotated key is fetched the moment a token names it, not after the default cool-down.
        CORDON_OIDC_JWKS_COOLDOWN_SECONDS: '0',
        CORDON_RATE_LIMIT_FAILED_LOGINS: String(FAILED_LOGIN_LIMIT),
      },
    });
    defaultTenant = (await ok(PROVIDER_KEY, ME)).me.tenantId as string;
    second = await tenant('second-customer');
    third = await tenant('third-customer');
  }, 180_000);

  afterAll(async () => {
    await cordon?.stop();
    await idp?.stop();
    await db?.drop();
  });

  it('creates an unknown user on first use, but lets a user without membership do nothing', async () => {
    const token = await person('alice');
    const me = await call(token, ME);
    expect(errorCodes(me)).toEqual(['FORBIDDEN']);
    expect(me.errors?.[0].message).toBe(
      'you are not a member of any tenant: a tenant admin must add you first',
    );
    expect(errorCodes(await call(token, `{ cases { totalCount } }`))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(token, CREATE_CASE, { i: { title: 'x' } }))).toEqual(['FORBIDDEN']);
    // Known now: a provider admin finds her by the e-mail her token carried.
    const added = await ok(PROVIDER_KEY, ADD, { i: { email: 'ALICE@mdr.example', role: 'ANALYST' } });
    expect(added.addTenantMember).toMatchObject({
      tenantId: defaultTenant,
      role: 'ANALYST',
      email: 'alice@mdr.example',
      name: 'Alice',
      issuer: idp.issuer,
      subject: 'alice',
    });
    expect(added.addTenantMember.lastSeenAt).not.toBeNull();
    expect(added.addTenantMember.actorId).toBe(`user:${added.addTenantMember.userId as string}`);
  });

  it('lets a member act with the role of her membership, recorded as user:<id>', async () => {
    const token = await person('alice');
    const me = (await ok(token, ME)).me;
    expect(me).toMatchObject({
      kind: 'USER',
      name: 'Alice',
      email: 'alice@mdr.example',
      tenantId: defaultTenant,
      role: 'ANALYST',
      providerAdmin: false,
    });
    expect(me.actorId).toMatch(/^user:[0-9a-f-]{36}$/);
    const created = (await ok(token, CREATE_CASE, { i: { title: 'Opened by a person' } })).createCase;
    expect(created.timeline[0]).toEqual({ kind: 'CREATED', actor: me.actorId });
    // An analyst, not an admin.
    expect(errorCodes(await call(token, MEMBERS))).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await call(token, `mutation { createApiKey(input: { name: "k", role: VIEWER }) { secret } }`),
      ),
    ).toEqual(['FORBIDDEN']);
  });

  it('takes the tenant from X-Cordon-Tenant when the user belongs to several', async () => {
    const ops = await person('olga');
    // Added ahead of her first sign-in, by subject: the configured issuer is assumed.
    for (const [t, role] of [
      [defaultTenant, 'VIEWER'],
      [second, 'ADMIN'],
    ])
      await ok(PROVIDER_KEY, ADD, { i: { tenantId: t, subject: 'olga', role } });
    const without = await call(ops, ME);
    expect(errorCodes(without)).toEqual(['BAD_USER_INPUT']);
    expect(without.errors?.[0].message).toMatch(
      /member of 2 tenants: name one in the X-Cordon-Tenant header/,
    );
    expect((await ok(ops, ME, {}, defaultTenant)).me).toMatchObject({
      tenantId: defaultTenant,
      role: 'VIEWER',
    });
    expect((await ok(ops, ME, {}, second.toUpperCase())).me).toMatchObject({
      tenantId: second,
      role: 'ADMIN',
    });
    // A tenant she does not belong to, existing or not, is refused alike.
    for (const other of [third, randomUUID()]) {
      const refused = await call(ops, ME, {}, other);
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors?.[0].message).toBe(`you are not a member of tenant ${other}`);
    }
    expect(errorCodes(await call(ops, ME, {}, 'not-a-tenant'))).toEqual(['BAD_USER_INPUT']);
    // Viewer in one tenant, admin in the other: the role follows the tenant chosen.
    expect(errorCodes(await call(ops, CREATE_CASE, { i: { title: 'x' } }, defaultTenant))).toEqual([
      'FORBIDDEN',
    ]);
    expect((await call(ops, CREATE_CASE, { i: { title: 'x' } }, second)).errors).toBeUndefined();
    // An API key acts in its own tenant: naming another one is refused, not ignored.
    expect(errorCodes(await call(PROVIDER_KEY, ME, {}, second))).toEqual(['FORBIDDEN']);
    expect((await ok(PROVIDER_KEY, ME, {}, defaultTenant)).me.kind).toBe('API_KEY');
  });

  it('lets a tenant admin manage the members of her own tenant only', async () => {
    const ops = await person('olga');
    const bob = (await ok(ops, ADD, { i: { subject: 'bob', role: 'RESPONDER' } }, second)).addTenantMember;
    expect(bob).toMatchObject({ tenantId: second, role: 'RESPONDER', lastSeenAt: null, email: null });
    const listed = (await ok(ops, MEMBERS, {}, second)).tenantMembers;
    expect(listed.totalCount).toBe(2);
    expect(listed.edges.map((e: { node: { role: string } }) => e.node.role).sort()).toEqual([
      'ADMIN',
      'RESPONDER',
    ]);
    // Another tenant is out of reach, exactly like one that does not exist.
    for (const t of [defaultTenant, randomUUID()]) {
      const add = await call(ops, ADD, { i: { tenantId: t, subject: 'mallory', role: 'ADMIN' } }, second);
      expect(errorCodes(add)).toEqual(['NOT_FOUND']);
      expect(add.errors?.[0].message).toBe(`tenant ${t} not found`);
      expect(errorCodes(await call(ops, MEMBERS, { t }, second))).toEqual(['NOT_FOUND']);
    }
    const both = await call(ops, ADD, { i: { email: 'a@b.example', subject: 'x', role: 'VIEWER' } }, second);
    expect(errorCodes(both)).toEqual(['BAD_USER_INPUT']);
    const unknown = await call(ops, ADD, { i: { email: 'nobody@mdr.example', role: 'VIEWER' } }, second);
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
    expect(unknown.errors?.[0].message).toMatch(/has signed in yet: add them by subject/);
    // Bob signs in and works; once removed, his next request is refused.
    const bobToken = await person('bob');
    expect((await ok(bobToken, ME)).me).toMatchObject({ tenantId: second, role: 'RESPONDER', name: 'Bob' });
    const removed = await ok(ops, REMOVE, { i: { userId: bob.userId } }, second);
    expect(removed.removeTenantMember).toEqual({ userId: bob.userId, role: 'RESPONDER' });
    expect(errorCodes(await call(bobToken, ME))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(ops, REMOVE, { i: { userId: bob.userId } }, second))).toEqual(['NOT_FOUND']);
  });

  it('lets only members whose role may decide approve, and records the person', async () => {
    await ok(PROVIDER_KEY, `mutation($i: SavePlaybookInput!) { savePlaybook(input: $i) { id } }`, {
      i: { source: approvalPlaybook },
    });
    await ok(PROVIDER_KEY, ADD, { i: { subject: 'rory', role: 'RESPONDER' } });
    await ok(PROVIDER_KEY, ADD, { i: { subject: 'vera', role: 'VIEWER' } });
    const run = (
      await ok(PROVIDER_KEY, `mutation($i: RunPlaybookInput!) { runPlaybook(input: $i) { run { id } } }`, {
        i: { playbookId: 'user-approval' },
      })
    ).runPlaybook.run.id as string;
    const approvalId = await eventually(async () => {
      const res = await ok(
        PROVIDER_KEY,
        `query($r: ID) { approvals(filter: { runId: $r, status: PENDING }) { edges { node { id } } } }`,
        { r: run },
      );
      return res.approvals.edges[0]?.node.id as string | undefined;
    }, 'the pending approval');
    const decide = `mutation($i: DecideApprovalInput!) {
      decideApproval(input: $i) { status decisions { actorId actorName decision } } }`;
    const viewer = await call(await person('vera'), decide, { i: { approvalId, decision: 'APPROVE' } });
    expect(errorCodes(viewer)).toEqual(['FORBIDDEN']);
    // Alice is an analyst: she may call it, but the approval wants a responder.
    const analyst = await call(await person('alice'), decide, { i: { approvalId, decision: 'APPROVE' } });
    expect(errorCodes(analyst)).toEqual(['FORBIDDEN']);
    const rory = await person('rory');
    const decided = (await ok(rory, decide, { i: { approvalId, decision: 'APPROVE' } })).decideApproval;
    const roryId = (await ok(rory, ME)).me.actorId as string;
    expect(decided.decisions).toEqual([{ actorId: roryId, actorName: 'Rory', decision: 'APPROVE' }]);
    expect(decided.status).toBe('APPROVED');
  });

  it('refuses forged, foreign, expired and unsigned tokens as UNAUTHENTICATED, saying nothing more', async () => {
    const claims = { sub: 'alice', email: 'alice@mdr.example' };
    const forgeries: Record<string, string> = {
      'wrong audience': await idp.token(claims, { audience: 'another-app' }),
      'wrong issuer': await idp.token(claims, { issuer: 'https://login.attacker.example/' }),
      'bad signature': await idp.token(claims, { key: await idp.strangerKey() }),
      'unknown key id': await idp.token(claims, { key: await idp.strangerKey(), kid: 'not-published' }),
      'alg none': unsignedToken({ ...claims, iss: idp.issuer, aud: idp.audience, exp: 4102444800 }),
      // Algorithm confusion: HS256 "signed" with a secret; the allow-list refuses it unread.
      'alg HS256': await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: idp.kid() })
        .setIssuer(idp.issuer)
        .setAudience(idp.audience)
        .setExpirationTime('10m')
        .sign(randomBytes(32)),
      'not yet valid': await idp.token(claims, { notBefore: 3600 }),
      tampered: (await person('alice')).replace(/\.([^.]+)\./, (_m, body: string) => {
        const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
        return `.${Buffer.from(JSON.stringify({ ...payload, sub: 'olga' })).toString('base64url')}.`;
      }),
    };
    for (const [what, token] of Object.entries(forgeries)) {
      const res = await call(token, ME);
      expect({ what, codes: errorCodes(res) }).toEqual({ what, codes: ['UNAUTHENTICATED'] });
      expect({ what, message: res.errors?.[0].message }).toEqual({
        what,
        message: 'the token is not valid for this server',
      });
    }
    const expired = await call(await idp.token(claims, { expiresIn: -300 }), ME);
    expect(errorCodes(expired)).toEqual(['UNAUTHENTICATED']);
    expect(expired.errors?.[0].message).toBe('the token has expired');
    // Not a JWT and not a key: the key path refuses it as before.
    expect(errorCodes(await call('a.b', ME))).toEqual(['UNAUTHENTICATED']);
  });

  it('follows a key rotation at the provider', async () => {
    const before = await person('alice');
    const oldKid = idp.kid();
    await idp.rotate();
    expect(idp.kid()).not.toBe(oldKid);
    const after = await person('alice');
    expect((await ok(after, ME)).me.role).toBe('ANALYST');
    // The old key is withdrawn: its tokens no longer verify.
    expect(errorCodes(await call(before, ME))).toEqual(['UNAUTHENTICATED']);
  });

  it('authenticates subscriptions with a user token and the tenant in connectionParams', async () => {
    const ops = await person('olga');
    const open = (params: Record<string, unknown>) =>
      createClient({
        url: cordon.graphqlUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: params,
        retryAttempts: 0,
      });
    const refused = open({ authorization: `Bearer ${await idp.token({ sub: 'olga' }, { audience: 'x' })}` });
    const member = open({ authorization: `Bearer ${ops}`, 'x-cordon-tenant': second });
    const stranger = open({ authorization: `Bearer ${ops}`, 'x-cordon-tenant': third });
    try {
      const first = async (client: ReturnType<typeof open>) =>
        (await client.iterate({ query: 'subscription { alertIngested { title } }' }).next()).value as
          GraphqlResult<{ alertIngested: { title: string } }> | undefined;
      expect(errorCodes((await first(refused))!)).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes((await first(stranger))!)).toEqual(['FORBIDDEN']);
      const event = first(member);
      let settled: GraphqlResult<{ alertIngested: { title: string } }> | undefined;
      void event.then((v) => (settled = v));
      // The subscription registers asynchronously: ingest until it hears one, with a deadline.
      await eventually(async () => {
        await ok(
          ops,
          `mutation($i: [AlertInput!]!) { ingestAlerts(input: $i) { created } }`,
          {
            i: [
              { source: 'edr', sourceRef: randomUUID(), title: 'For the second customer', severity: 'LOW' },
            ],
          },
          second,
        );
        await Promise.race([event, new Promise((r) => setTimeout(r, 200))]);
        return settled;
      }, 'an alertIngested event for the user');
      expect(settled?.data?.alertIngested.title).toBe('For the second customer');
    } finally {
      await Promise.all([refused.dispose(), member.dispose(), stranger.dispose()]);
    }
  });

  it('issues embedded mode’s own tokens to provider admins; local users still need a membership', async () => {
    const issue = `mutation($i: IssueLocalTokenInput!) {
      issueLocalToken(input: $i) { token issuer subject userId expiresAt } }`;
    // Not even a tenant admin: users are shared by all tenants, so naming any subject is the provider's.
    const ops = await person('olga');
    expect(errorCodes(await call(ops, issue, { i: { subject: 'lee' } }, second))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(PROVIDER_KEY, issue, { i: { subject: 'has space' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const issued = (
      await ok(PROVIDER_KEY, issue, {
        i: { subject: 'lee', email: 'lee@local.example', name: 'Lee', expiresInMinutes: 30 },
      })
    ).issueLocalToken;
    expect(issued).toMatchObject({ issuer: 'urn:cordon:local', subject: 'lee' });
    expect(errorCodes(await call(issued.token, ME))).toEqual(['FORBIDDEN']);
    await ok(PROVIDER_KEY, ADD, {
      i: { tenantId: second, issuer: 'urn:cordon:local', subject: 'lee', role: 'RESPONDER' },
    });
    expect((await ok(issued.token, ME)).me).toMatchObject({
      kind: 'USER',
      actorId: `user:${issued.userId as string}`,
      name: 'Lee',
      email: 'lee@local.example',
      tenantId: second,
      role: 'RESPONDER',
    });
  });

  // Last: it blocks this test's address for a minute.
  it('counts a forged token as a failed login, like a bad key', async () => {
    const forged = await idp.token({ sub: 'alice' }, { key: await idp.strangerKey() });
    const codes: (string | undefined)[] = [];
    for (let i = 0; i <= FAILED_LOGIN_LIMIT && !codes.includes('TOO_MANY_REQUESTS'); i++)
      codes.push(...errorCodes(await call(forged, ME)));
    expect(codes[codes.length - 1]).toBe('TOO_MANY_REQUESTS');
    expect(new Set(codes.slice(0, -1))).toEqual(new Set(['UNAUTHENTICATED']));
    // Blocked: even a valid token is refused before it is looked at.
    expect(errorCodes(await call(await person('alice'), ME))).toEqual(['TOO_MANY_REQUESTS']);
  });
});
