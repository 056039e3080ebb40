import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Client } from 'pg';
import { createFalconFake, type FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { projectRoot } from '../src/config/paths';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { errorCodes, eventually, graphqlClient } from './support/graphql-client';
import { manualContainPlaybook } from '../src/playbooks/testing/playbook-samples';

/**
 * The audit log end to end on the built server, real Temporal and a real database: mutations
 * (succeeded and failed), an approval decision, a playbook's vendor action and the secret use
 * behind it, failed logins; read back by an admin (not by an analyst); then `cordon audit verify`
 * against the same database passes, and names the row an owner edited.
 */
const ADMIN_KEY = 'cdn_e2e_audit_admin_0123456789abcdef';
const FALCON_SECRET = 'falcon-secret-audit-e2e-7c1d';

const AUDIT_LOG = `query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id sequence actor { id kind name } action target { type id } requestId at outcome changeDigest detail prevHash hash } }
  } }`;

interface Entry {
  id: string;
  sequence: number;
  actor: { id: string; kind: string; name: string };
  action: string;
  target: { type: string; id: string } | null;
  requestId: string | null;
  at: string;
  outcome: string;
  changeDigest: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

describe('audit log end to end', () => {
  let falcon: FalconFake;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  let tenantId: string;
  let connectionId: string;
  let hostId: string;
  let approvalId: string;
  let runId: string;
  let endpointId: string;
  const keys: Record<string, { secret: string; actorId: string; id: string }> = {};

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'falcon-id', clientSecret: FALCON_SECRET });
    await falcon.start(0);
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    gql = graphqlClient(cordon.graphqlUrl);
    const me = await gql(`{ me { tenantId } }`, {}, ADMIN_KEY);
    tenantId = me.data.me.tenantId;
    for (const [name, role, expiresAt] of [
      ['rita', 'RESPONDER', undefined],
      ['alice', 'RESPONDER', undefined],
      ['ann', 'ANALYST', undefined],
      ['gone', 'VIEWER', '2020-01-01T00:00:00Z'],
    ]) {
      const res = await gql(
        `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
        { input: { name, role, expiresAt } },
        ADMIN_KEY,
      );
      expect(res.errors).toBeUndefined();
      const id = res.data.createApiKey.apiKey.id as string;
      keys[name!] = { secret: res.data.createApiKey.secret, actorId: `apikey:${id}`, id };
    }
  });

  afterAll(async () => {
    await cordon?.stop();
    await falcon?.stop();
    await db?.drop();
  });

  async function auditLog(variables: Record<string, unknown>, key = ADMIN_KEY): Promise<Entry[]> {
    const res = await gql(AUDIT_LOG, { first: 200, ...variables }, key);
    expect(res.errors).toBeUndefined();
    return res.data.auditLog.edges.map((e: { node: Entry }) => e.node);
  }

  it('records a connection, a run with an approval and a vendor action, and failed logins', async () => {
    const conn = await gql(
      `mutation($input: UpsertConnectionInput!) { upsertConnection(input: $input) { id } }`,
      {
        input: {
          integrationId: 'crowdstrike-falcon',
          name: 'falcon',
          settings: { baseUrl: falcon.url },
          secrets: { clientId: 'falcon-id', clientSecret: FALCON_SECRET },
        },
      },
      ADMIN_KEY,
    );
    expect(conn.errors).toBeUndefined();
    connectionId = conn.data.upsertConnection.id;
    expect(
      (
        await gql(
          `mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability } }`,
          { input: { capability: 'edr', connectionId } },
          ADMIN_KEY,
        )
      ).errors,
    ).toBeUndefined();
    const saved = await gql(
      `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`,
      {
        input: {
          source: manualContainPlaybook('audit-contain'),
        },
      },
      ADMIN_KEY,
    );
    expect(saved.errors).toBeUndefined();

    hostId = falcon.addDevice({ hostname: 'AUDIT-WS-01' }).device_id;
    const started = await gql(
      `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id } } }`,
      { input: { playbookId: 'audit-contain', inputs: { hostname: 'AUDIT-WS-01' } } },
      keys.rita.secret,
    );
    expect(started.errors).toBeUndefined();
    runId = started.data.runPlaybook.run.id as string;
    approvalId = await eventually(async () => {
      const res = await gql(
        `query($filter: ApprovalFilter) { approvals(filter: $filter) { edges { node { id } } } }`,
        { filter: { runId, status: 'PENDING' } },
        ADMIN_KEY,
      );
      return res.data?.approvals.edges[0]?.node.id as string | undefined;
    }, 'the pending approval');

    // A mutation that fails is recorded as such.
    const missing = await gql(
      `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { id } }`,
      { input: { approvalId: '00000000-0000-4000-8000-000000000000', decision: 'APPROVE' } },
      keys.alice.secret,
    );
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
    // One the caller's role may not perform never reaches its resolver: recorded all the same.
    const denied = await gql(
      `mutation($id: ID!) { tried: testConnection(id: $id) { ok } }`,
      { id: connectionId },
      keys.ann.secret,
    );
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
    const decided = await gql(
      `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { id } }`,
      { input: { approvalId, decision: 'APPROVE', comment: 'contain it' } },
      keys.alice.secret,
    );
    expect(decided.errors).toBeUndefined();
    const status = await eventually(async () => {
      const res = await gql(`query($id: ID!) { playbookRun(id: $id) { status } }`, { id: runId }, ADMIN_KEY);
      const s = res.data?.playbookRun.status as string | undefined;
      return s && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s) ? s : undefined;
    }, 'the run to finish');
    expect(status).toBe('SUCCEEDED');

    // Failed logins: an unknown key (provider chain) and an expired one (its tenant's chain).
    expect(errorCodes(await gql(`{ me { name } }`, {}, 'cdn_not_a_key_at_all_0123456789'))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(errorCodes(await gql(`{ me { name } }`, {}, keys.gone.secret))).toEqual(['UNAUTHENTICATED']);

    // A webhook push whose signature does not verify.
    const created = await gql(
      `mutation($source: String!) { createWebhookEndpoint(source: $source) { endpoint { id } } }`,
      { source: 'crowdstrike' },
      ADMIN_KEY,
    );
    expect(created.errors).toBeUndefined();
    endpointId = created.data.createWebhookEndpoint.endpoint.id;
    const pushed = await fetch(`${cordon.url}/webhooks/alerts/crowdstrike`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cordon-endpoint': endpointId,
        'x-cordon-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-cordon-signature': 'v1=' + '0'.repeat(64),
      },
      body: '{}',
    });
    expect(pushed.status).toBe(401);
  });

  it('shows an admin every kind of entry, newest first, without a secret in sight', async () => {
    const res = await gql(AUDIT_LOG, { first: 200 }, ADMIN_KEY);
    expect(res.errors).toBeUndefined();
    expect(JSON.stringify(res)).not.toContain(FALCON_SECRET);
    const entries: Entry[] = res.data.auditLog.edges.map((e: { node: Entry }) => e.node);
    expect(res.data.auditLog.totalCount).toBe(entries.length);
    // Newest first, one unbroken chain as the API shows it.
    expect(entries.map((e) => e.sequence)).toEqual(entries.map((_, i) => entries.length - i));
    for (let i = 0; i < entries.length - 1; i++) expect(entries[i].prevHash).toBe(entries[i + 1].hash);

    const one = (action: string, extra: (e: Entry) => boolean = () => true) => {
      const found = entries.filter((e) => e.action === action && extra(e));
      expect(found.length).toBeGreaterThanOrEqual(1);
      return found[0];
    };
    const upsert = one('mutation.upsertConnection');
    expect(upsert).toMatchObject({
      actor: { id: expect.stringMatching(/^apikey:/), kind: 'apiKey' },
      outcome: 'SUCCESS',
      target: { type: 'Connection', id: connectionId },
      requestId: expect.any(String),
    });
    expect(upsert.changeDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(one('mutation.runPlaybook')).toMatchObject({
      actor: { id: keys.rita.actorId, name: 'rita' },
      target: { id: runId },
    });
    expect(one('mutation.createApiKey', (e) => e.target?.id === keys.ann.id)).toMatchObject({
      actor: { name: 'bootstrap' },
      target: { type: 'ApiKey' },
    });
    expect(
      entries.filter((e) => e.action === 'mutation.decideApproval' && e.outcome === 'FAILURE'),
    ).toHaveLength(1);
    expect(one('mutation.testConnection')).toMatchObject({
      actor: { id: keys.ann.actorId, name: 'ann' },
      outcome: 'FAILURE',
      detail: { code: 'FORBIDDEN' },
    });
    expect(one('mutation.decideApproval', (e) => e.outcome === 'FAILURE')).toMatchObject({
      actor: { id: keys.alice.actorId },
      detail: { code: 'NOT_FOUND' },
    });
    expect(one('mutation.decideApproval', (e) => e.outcome === 'SUCCESS')).toMatchObject({
      target: { type: 'Approval', id: approvalId },
    });
    expect(one('approval.decide')).toMatchObject({
      actor: { id: keys.alice.actorId, kind: 'apiKey', name: 'alice' },
      target: { type: 'Approval', id: approvalId },
      outcome: 'SUCCESS',
      detail: { decision: 'APPROVE', channel: 'graphql', role: 'responder' },
    });
    const isolate = one('action.call edr.isolate_host');
    expect(isolate).toMatchObject({
      actor: { kind: 'run' },
      target: { type: 'host_id', id: hostId },
      outcome: 'SUCCESS',
      detail: { vendor: 'CrowdStrike', integrationId: 'crowdstrike-falcon', connectionId, stepId: 'isolate' },
    });
    expect(one('action.call edr.find_host')).toMatchObject({ outcome: 'SUCCESS' });
    expect(one('secret.use', (e) => e.detail.purpose === 'action edr.isolate_host')).toMatchObject({
      actor: { id: isolate.actor.id, kind: 'run' },
      target: { type: 'Connection', id: connectionId },
    });
    expect(one('auth.login_failed')).toMatchObject({
      actor: { id: keys.gone.actorId, name: 'gone' },
      target: { type: 'ApiKey', id: keys.gone.id },
      outcome: 'FAILURE',
      detail: { reason: 'expired key' },
    });
    expect(one('webhook.signature_rejected')).toMatchObject({
      actor: { kind: 'anonymous' },
      target: { type: 'WebhookEndpoint', id: endpointId },
      outcome: 'FAILURE',
      detail: { source: 'crowdstrike', reason: 'bad signature' },
    });
  });

  it('filters by action prefix, actor, target and time, and pages', async () => {
    const calls = await auditLog({ filter: { actionPrefix: 'action.call' } });
    expect(calls.map((e) => e.action).sort()).toEqual([
      'action.call edr.find_host',
      'action.call edr.isolate_host',
    ]);
    const alice = await auditLog({ filter: { actorId: keys.alice.actorId } });
    expect(new Set(alice.map((e) => e.action))).toEqual(
      new Set(['mutation.decideApproval', 'approval.decide']),
    );
    const approval = await auditLog({ filter: { targetType: 'Approval', targetId: approvalId } });
    expect(approval.map((e) => e.action).sort()).toEqual(['approval.decide', 'mutation.decideApproval']);
    expect(await auditLog({ filter: { to: '2020-01-01T00:00:00Z' } })).toEqual([]);
    expect((await auditLog({ filter: { from: '2020-01-01T00:00:00Z' } })).length).toBeGreaterThan(5);

    const all = await auditLog({});
    const first = await gql(AUDIT_LOG, { first: 2 }, ADMIN_KEY);
    expect(first.data.auditLog.pageInfo.hasNextPage).toBe(true);
    const next = await gql(AUDIT_LOG, { first: 2, after: first.data.auditLog.pageInfo.endCursor }, ADMIN_KEY);
    expect(
      [...first.data.auditLog.edges, ...next.data.auditLog.edges].map((e: { node: Entry }) => e.node.id),
    ).toEqual(all.slice(0, 4).map((e) => e.id));
    expect(errorCodes(await gql(AUDIT_LOG, { after: 'nonsense' }, ADMIN_KEY))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await gql(AUDIT_LOG, { first: 1000 }, ADMIN_KEY))).toEqual(['BAD_USER_INPUT']);
  });

  it('is for admins only', async () => {
    expect(errorCodes(await gql(AUDIT_LOG, {}, keys.ann.secret))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(AUDIT_LOG, {}, keys.alice.secret))).toEqual(['FORBIDDEN']);
  });

  it('verifies with `cordon audit verify`, and names the row an owner edited', async () => {
    // Embedded PGlite serves one process: stop Cordon before the CLI opens its data.
    expect(await cordon.stop()).toBe(0);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(projectRoot(), 'bin/cordon.js'), 'audit', 'verify', ...args], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          CORDON_DATA_DIR: cordon.dataDir,
          DATABASE_URL: db.url,
        },
        encoding: 'utf8',
        timeout: 120_000,
      });
    const ok = cli();
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/provider chain: 1 entries, ok/);
    expect(ok.stdout).toMatch(new RegExp(`tenant ${tenantId} \\(.*\\): \\d+ entries, ok`));
    expect(ok.stdout).toMatch(/audit log intact: \d+ chain\(s\)/);
    expect(cli('--tenant', tenantId).status).toBe(0);

    const victim = await asOwner(async (c) => {
      await c.query(`SELECT set_config('cordon.tenant_id', $1, true)`, [tenantId]);
      const rows = await c.query<{ id: string; seq: string }>(
        `UPDATE audit_log SET detail = jsonb_set(detail, '{decision}', '"REJECT"')
          WHERE action = 'approval.decide' RETURNING id, seq`,
      );
      return rows.rows[0];
    });
    const broken = cli();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`tenant ${tenantId} (`);
    expect(broken.stdout).toContain(
      `BROKEN at sequence ${victim.seq}, row ${victim.id}: hash does not match`,
    );
    expect(broken.stdout).toMatch(/provider chain: 1 entries, ok/);
    expect(broken.stdout).toMatch(/audit log BROKEN: 1 of \d+ chain\(s\)/);

    expect(cli('--tenant', 'not-a-uuid').status).toBe(2);
  });

  /** The schema owner's own connection (the test database's login, or PGlite's superuser). */
  async function asOwner<T>(work: (c: Client) => Promise<T>): Promise<T> {
    const pglite = db.url ? null : await startEmbeddedPostgres(path.join(cordon.dataDir, 'pgdata'));
    const client = new Client({ connectionString: db.url ?? pglite!.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } finally {
      await client.end();
      await pglite?.stop();
    }
  }
});
