import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSchema } from 'graphql';
import { createFalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import type { FakeVendorServer } from '../src/integrations/kit/integration.types';
import { projectRoot } from '../src/config/paths';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { eventually, graphqlClient, type GraphqlResult } from './support/graphql-client';
import { buildMatrix, type MatrixCall, nowhere, type Objects } from './support/id-matrix';
import { startOidcProvider, type FakeOidcProvider } from './support/oidc-provider';

/**
 * Tenant A's admin calls every query and mutation that takes an id on tenant B's objects, one id
 * at a time (the other ids A's own): each answers NOT_FOUND (or an empty page), exactly as it
 * answers for an id that exists nowhere. Generated from the schema the server serves, so a new
 * operation is covered as soon as it exists; one whose id slot the matrix cannot place fails.
 * Tenant A's admin is asked twice: as an API key, and as a user signed in with an OIDC token.
 */
const PROVIDER_KEY = 'cdn_e2e_provider_admin_key_0123456789';
/** Hosts the Falcon fake knows, so contain-host reaches its approval in each tenant. */
const HOSTS = { a: 'WS-01', b: 'SRV-DB-02' };

const privatePlaybook = (id: string) => `id: ${id}
name: Private playbook of one tenant
trigger:
  event: manual
steps:
  - id: note
    set:
      seen: '{{ true }}'
`;

describe('tenant isolation over the API: another tenant’s ids are NOT_FOUND', () => {
  let falcon: FakeVendorServer;
  let idp: FakeOidcProvider;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  const keys: Record<'a' | 'b', string> = { a: '', b: '' };
  /** Tenant A's admin as a person: a member of A only, so the token needs no X-Cordon-Tenant. */
  let userOfA = '';
  const objects: Record<'a' | 'b', Objects> = { a: {} as Objects, b: {} as Objects };

  const ok = async <T = any>(query: string, variables: Record<string, unknown>, key: string): Promise<T> => {
    const res = await gql<T>(query, variables, key);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  };

  async function setUpTenant(which: 'a' | 'b'): Promise<void> {
    const tenant = (
      await ok(
        `mutation($i: CreateTenantInput!) { createTenant(input: $i) { id } }`,
        { i: { name: `tenant-${which}` } },
        PROVIDER_KEY,
      )
    ).createTenant.id as string;
    const created = await ok(
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
      { i: { name: `${which}-admin`, role: 'ADMIN', tenantId: tenant } },
      PROVIDER_KEY,
    );
    const key = created.createApiKey.secret as string;
    keys[which] = key;
    const responder = await ok(
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
      { i: { name: `${which}-responder`, role: 'RESPONDER' } },
      key,
    );
    const connection = (
      await ok(
        `mutation($i: UpsertConnectionInput!) { upsertConnection(input: $i) { id } }`,
        {
          i: {
            integrationId: 'crowdstrike-falcon',
            name: `falcon-${which}`,
            settings: { baseUrl: falcon.url },
            secrets: { clientId: 'falcon-id', clientSecret: 'falcon-secret' },
          },
        },
        key,
      )
    ).upsertConnection.id as string;
    await ok(
      `mutation($i: BindCapabilityInput!) { bindCapability(input: $i) { capability } }`,
      { i: { capability: 'edr', connectionId: connection } },
      key,
    );
    const alert = (
      await ok(
        `mutation($i: [AlertInput!]!) { ingestAlerts(input: $i) { alerts { id caseId } } }`,
        {
          i: [
            {
              source: 'crowdstrike',
              sourceRef: `iso-${which}`,
              title: `Ransomware on ${HOSTS[which]}`,
              severity: 'CRITICAL',
              techniques: ['T1486'],
              observables: [{ type: 'HOSTNAME', value: HOSTS[which] }],
            },
          ],
        },
        key,
      )
    ).ingestAlerts.alerts[0] as { id: string; caseId: string };
    const approval = await eventually(async () => {
      const res = await gql(
        `query($c: ID) { approvals(filter: { status: PENDING, caseId: $c }) { edges { node { id runId } } } }`,
        { c: alert.caseId },
        key,
      );
      expect(res.errors).toBeUndefined();
      return res.data.approvals.edges[0]?.node as { id: string; runId: string } | undefined;
    }, `a pending approval in tenant ${which}`);
    const endpoint = (
      await ok(`mutation { createWebhookEndpoint(source: "crowdstrike") { endpoint { id } } }`, {}, key)
    ).createWebhookEndpoint.endpoint.id as string;
    const playbook = `private-${which}`;
    await ok(
      `mutation($i: SavePlaybookInput!) { savePlaybook(input: $i) { id } }`,
      { i: { source: privatePlaybook(playbook) } },
      key,
    );
    const actor = `apikey:${responder.createApiKey.apiKey.id as string}`;
    const member = (
      await ok(
        `mutation($i: AddTenantMemberInput!) { addTenantMember(input: $i) { userId } }`,
        { i: { subject: `${which}-admin`, role: 'ADMIN' } },
        key,
      )
    ).addTenantMember.userId as string;
    objects[which] = {
      tenant,
      alert: alert.id,
      case: alert.caseId,
      approval: approval.id,
      run: approval.runId,
      connection,
      endpoint,
      playbook,
      actor,
      user: member,
    };
  }

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'falcon-id', clientSecret: 'falcon-secret' });
    await falcon.start(0);
    idp = await startOidcProvider();
    db = await testDatabase();
    cordon = await startCordon({
      env: {
        CORDON_BOOTSTRAP_API_KEY: PROVIDER_KEY,
        DATABASE_URL: db.url,
        CORDON_OIDC_ISSUER: idp.issuer,
        CORDON_OIDC_AUDIENCE: idp.audience,
        CORDON_OIDC_JWKS_URL: idp.jwksUrl,
      },
    });
    gql = graphqlClient(cordon.graphqlUrl);
    await setUpTenant('a');
    await setUpTenant('b');
    userOfA = await idp.token({ sub: 'a-admin', name: 'Admin of A' }, { expiresIn: 3600 });
  }, 240_000);

  afterAll(async () => {
    await cordon?.stop();
    await falcon?.stop();
    await idp?.stop();
    await db?.drop();
  });

  /** The schema the server serves: written to schema.gql at start (introspection is off in production). */
  function servedSchema() {
    return buildSchema(fs.readFileSync(path.join(projectRoot(), 'schema.gql'), 'utf8'));
  }

  /** An answer with the ids taken out: what a caller could tell two answers apart by. */
  function observable(res: GraphqlResult<unknown>, ids: string[]): unknown {
    let text = JSON.stringify({
      data: res.data ?? null,
      errors: (res.errors ?? []).map((e) => ({ code: e.extensions?.code, message: e.message })),
    });
    for (const id of ids) text = text.split(id).join('<id>');
    return JSON.parse(text);
  }

  it('covers every operation that takes an id', () => {
    const { calls, unknownSlots } = buildMatrix(servedSchema(), objects.a, objects.b);
    // A new id argument the matrix cannot place: teach SLOT_KINDS/ID_BY_RESULT what it names.
    expect(unknownSlots).toEqual([]);
    const fields = new Set(calls.map((c) => c.field));
    for (const f of [
      'alert',
      'case',
      'caseReport',
      'playbookRun',
      'approval',
      'addAlertsToCase',
      'decideApproval',
      'testConnection',
      'revokeWebhookEndpoint',
      'createApiKey',
      'addTenantMember',
      'removeTenantMember',
      'tenantMembers',
    ])
      expect(fields).toContain(f);
  });

  /** Every generated call, as `credential` (an admin of tenant A). */
  async function answersLikeMissing(credential: string): Promise<void> {
    const { calls } = buildMatrix(servedSchema(), objects.a, objects.b);
    const failures: string[] = [];
    const check = async (call: MatrixCall) => {
      const absent = nowhere(call.slot.kind);
      const onForeign = await gql(call.query, call.variables(call.foreign), credential);
      const onAbsent = await gql(call.query, call.variables(absent), credential);
      const codes = (onForeign.errors ?? []).map((e) => e.extensions?.code);
      const problems: string[] = [];
      // An ID argument answers NOT_FOUND; a String that names an object (actorId) may refuse it as
      // bad input instead, as long as that cannot be told from a missing one.
      if (call.answer === 'object' && call.slot.typedId && !(codes.length === 1 && codes[0] === 'NOT_FOUND'))
        problems.push(`expected NOT_FOUND, got ${JSON.stringify(onForeign.errors ?? onForeign.data)}`);
      if (call.answer === 'list' && codes.length && !codes.every((c) => c === 'NOT_FOUND'))
        problems.push(`expected an empty answer or NOT_FOUND, got ${JSON.stringify(onForeign.errors)}`);
      if (call.answer === 'list' && !codes.length) {
        const value = (onForeign.data as Record<string, unknown>)[call.field];
        const empty = Array.isArray(value)
          ? value.every(
              (item: { code?: string; ok?: boolean }) => item.code === 'NOT_FOUND' && item.ok !== true,
            )
          : (value as { totalCount: number }).totalCount === 0;
        if (!empty) problems.push(`expected nothing of tenant B, got ${JSON.stringify(value)}`);
      }
      const seen = observable(onForeign, [call.foreign]);
      const unseen = observable(onAbsent, [absent]);
      if (JSON.stringify(seen) !== JSON.stringify(unseen))
        problems.push(
          `distinguishable from a missing id: ${JSON.stringify(seen)} vs ${JSON.stringify(unseen)}`,
        );
      if (problems.length) failures.push(`${call.name}: ${problems.join('; ')}`);
    };
    for (const call of calls) await check(call);
    expect(failures).toEqual([]);
    expect(calls.length).toBeGreaterThan(25);
  }

  it('answers tenant A on tenant B’s ids exactly as on ids that do not exist', () =>
    answersLikeMissing(keys.a));

  it('answers tenant A’s admin signed in as a user the same way', () => answersLikeMissing(userOfA));

  it('left tenant B’s objects as they were', async () => {
    const b = objects.b;
    const seen = await ok(
      `query($a: ID!, $c: ID!, $r: ID!, $p: ID!) { alert(id: $a) { id status } case(id: $c) { id status } playbookRun(id: $r) { status } approval(id: $p) { status } webhookEndpoints { edges { node { id revokedAt } } } }`,
      { a: b.alert, c: b.case, r: b.run, p: b.approval },
      keys.b,
    );
    expect(seen.alert.status).toBe('NEW');
    expect(seen.case.status).toBe('OPEN');
    expect(seen.approval.status).toBe('PENDING');
    expect(seen.webhookEndpoints.edges).toEqual([{ node: { id: b.endpoint, revokedAt: null } }]);
  });
});
