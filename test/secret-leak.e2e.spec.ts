import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { createFalconFake, type FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { eventually, graphqlClient } from './support/graphql-client';
import { codecEndpoint, payloadsIn, workflowHistoryJson } from './support/histories';

/**
 * A connection secret must never be readable anywhere but inside the activity that uses it: not
 * in a log line (even at debug), a GraphQL answer, the database, or Temporal's history. This runs
 * a whole containment with a sentinel secret and then looks for it everywhere. Temporal's history
 * must not show the alert the run was for either: its payloads are encrypted, and only Cordon's
 * codec endpoint, for an admin of the run's tenant, opens them.
 */
const ADMIN_KEY = 'cdn_e2e_leak_admin_key_0123456789abcd';
const SENTINEL = 'S3NT1NEL-f4lc0n-s3cr3t-7f3a9c';
/** A plaintext alert field that is part of the workflow's input. */
const ALERT_TITLE = 'leak check: plaintext alert title 5e1c0d';
const UI_ORIGIN = 'http://temporal-ui.test:8233';

describe('no secret in the clear', () => {
  let falcon: FalconFake;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  const answers: string[] = [];
  let gql: (q: string, v: Record<string, unknown>, key: string) => Promise<any>;
  /** Set by the first test: the finished run and a responder's key, for the codec checks. */
  let finished: { workflowId: string; responder: string } | undefined;

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'leak-client', clientSecret: SENTINEL });
    await falcon.start(0);
    db = await testDatabase();
    cordon = await startCordon({
      env: {
        CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY,
        DATABASE_URL: db.url,
        LOG_LEVEL: 'debug',
        CORDON_CODEC_CORS_ORIGINS: UI_ORIGIN,
      },
    });
    const raw = graphqlClient(cordon.graphqlUrl);
    gql = async (q, v, key) => {
      const res = await raw(q, v, key);
      answers.push(JSON.stringify(res));
      return res;
    };
  });

  afterAll(async () => {
    await cordon?.stop();
    await falcon?.stop();
    await db?.drop();
  });

  it('runs a containment with the secret, then finds it in no log, answer, table or history', async () => {
    const responder = (
      await gql(
        `mutation { createApiKey(input: { name: "leaky", role: RESPONDER }) { secret } }`,
        {},
        ADMIN_KEY,
      )
    ).data.createApiKey.secret as string;
    const conn = await gql(
      `mutation($input: UpsertConnectionInput!) { upsertConnection(input: $input) { id } }`,
      {
        input: {
          integrationId: 'crowdstrike-falcon',
          name: 'falcon',
          settings: { baseUrl: falcon.url },
          secrets: { clientId: 'leak-client', clientSecret: SENTINEL },
        },
      },
      ADMIN_KEY,
    );
    const connectionId = conn.data.upsertConnection.id as string;
    await gql(
      `mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability } }`,
      { input: { capability: 'edr', connectionId } },
      ADMIN_KEY,
    );
    const tested = await gql(
      `mutation($id: ID!) { testConnection(id: $id) { ok } }`,
      { id: connectionId },
      ADMIN_KEY,
    );
    expect(tested.data.testConnection.ok).toBe(true);
    await gql(`{ integrations { id } connections { id name secretNames settings } }`, {}, ADMIN_KEY);

    const ingest = await gql(
      `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { caseId } } }`,
      {
        input: [
          {
            source: 'crowdstrike',
            title: ALERT_TITLE,
            severity: 'HIGH',
            observables: [{ type: 'HOSTNAME', value: 'WS-01' }],
          },
        ],
      },
      ADMIN_KEY,
    );
    const caseId = ingest.data.ingestAlerts.alerts[0].caseId as string;
    const approval = await eventually(async () => {
      const res = await gql(
        `query($c: ID) { approvals(filter: { status: PENDING, caseId: $c }) { edges { node { id runId } } } }`,
        { c: caseId },
        responder,
      );
      return res.data.approvals.edges[0]?.node as { id: string; runId: string } | undefined;
    }, 'the approval');
    await gql(
      `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`,
      { i: { approvalId: approval.id, decision: 'APPROVE' } },
      responder,
    );
    const run = await eventually(async () => {
      const res = await gql(
        `query($id: ID!) { playbookRun(id: $id) { workflowId steps { stepId status input output error } } }`,
        { id: approval.runId },
        responder,
      );
      const r = res.data.playbookRun;
      return r.steps.some((s: any) => s.stepId === 'record' && s.status === 'SUCCEEDED') ? r : undefined;
    }, 'containment');
    // The secret really was used: the fake issued a token for it.
    expect(falcon.calls.some((c) => c.path === '/oauth2/token')).toBe(true);

    expect(cordon.output()).toContain('"level":'); // debug logs were on
    expect(cordon.output()).not.toContain(SENTINEL);
    expect(answers.filter((a) => a.includes(SENTINEL))).toEqual([]);
    expect(await databaseHits()).toEqual([]);
    // As Temporal stores it: every payload sealed, so neither the secret nor the alert is readable.
    const stored = await workflowHistoryJson(run.workflowId, cordon.temporalAddress());
    const storedPayloads = payloadsIn(JSON.parse(stored));
    expect(storedPayloads.filter((p) => p.encoding === 'binary/encrypted').length).toBeGreaterThan(5);
    const storedText = `${stored}\n${storedPayloads.map((p) => p.text).join('\n')}`;
    expect(storedText).not.toContain(SENTINEL);
    expect(storedText).not.toContain(ALERT_TITLE);
    expect(storedText).not.toContain('edr.isolate_host');

    // Through the codec endpoint with the real CLI, an admin reads the run; the secret still is not there.
    const decoded = await workflowHistoryJson(
      run.workflowId,
      cordon.temporalAddress(),
      codecEndpoint(cordon, ADMIN_KEY),
    );
    const decodedText = `${decoded}\n${payloadsIn(JSON.parse(decoded))
      .map((p) => p.text)
      .join('\n')}`;
    expect(decodedText).toContain(ALERT_TITLE);
    expect(decodedText).toContain('edr.isolate_host');
    expect(decodedText).not.toContain(SENTINEL);
    finished = { workflowId: run.workflowId, responder };
  });

  it('refuses the codec endpoint to non-admins, no key, and admins of another tenant', async () => {
    if (!finished) throw new Error('needs the containment run of the first test');
    const { workflowId, responder } = finished;
    const analyst = (
      await gql(
        `mutation { createApiKey(input: { name: "codec-analyst", role: ANALYST }) { secret } }`,
        {},
        ADMIN_KEY,
      )
    ).data.createApiKey.secret as string;
    // The real CLI gets no plaintext: it fails (it retries a refused decode until its deadline,
    // so its message names no status; the HTTP checks below show the refusals themselves).
    for (const auth of [`Bearer ${analyst}`, '']) {
      const failure = await workflowHistoryJson(workflowId, cordon.temporalAddress(), {
        url: codecEndpoint(cordon, '').url,
        auth,
      }).then(
        () => undefined,
        (err: Error & { stdout?: string }) => err,
      );
      expect(failure?.message).toMatch(/history/);
      expect(`${failure?.message}${failure?.stdout}`).not.toContain(ALERT_TITLE);
    }

    // Over HTTP: the same sealed payloads, asked for by different callers.
    const sealed = payloadsIn(JSON.parse(await workflowHistoryJson(workflowId, cordon.temporalAddress())))
      .filter((p) => p.encoding === 'binary/encrypted')
      .map((p) => p.wire);
    const decode = (auth: string | undefined, headers: Record<string, string> = {}) =>
      fetch(`${cordon.url}/temporal/codec/decode`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-namespace': 'default',
          ...(auth ? { authorization: `Bearer ${auth}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ payloads: sealed }),
      });
    const mine = await decode(ADMIN_KEY);
    expect(mine.status).toBe(200);
    const opened = (await mine.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(opened.payloads).toHaveLength(sealed.length);
    expect(opened.payloads.map((p) => Buffer.from(p.data, 'base64').toString()).join('\n')).toContain(
      ALERT_TITLE,
    );

    // A plain admin of the run's tenant (not a provider admin) opens every payload of the run:
    // each one is labelled with the tenant that owns the workflow.
    const tenantAdmin = (
      await gql(
        `mutation { createApiKey(input: { name: "codec-admin", role: ADMIN }) { secret } }`,
        {},
        ADMIN_KEY,
      )
    ).data.createApiKey.secret as string;
    expect((await decode(tenantAdmin)).status).toBe(200);

    const tenantId = (
      await gql(`mutation { createTenant(input: { name: "codec-other" }) { id } }`, {}, ADMIN_KEY)
    ).data.createTenant.id as string;
    const otherAdmin = (
      await gql(
        `mutation($t: ID!) { createApiKey(input: { name: "other-admin", role: ADMIN, tenantId: $t }) { secret } }`,
        { t: tenantId },
        ADMIN_KEY,
      )
    ).data.createApiKey.secret as string;
    const foreign = await decode(otherAdmin);
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toMatch(/another tenant's workflow/);
    expect((await decode(analyst)).status).toBe(403);
    expect((await decode(responder)).status).toBe(403);
    expect((await decode(undefined)).status).toBe(401);
    const wrongNamespace = await decode(ADMIN_KEY, { 'x-namespace': 'elsewhere' });
    expect(wrongNamespace.status).toBe(400);
    expect(await wrongNamespace.text()).toMatch(/X-Namespace/);

    // Bad input is named, not guessed at.
    const bad = await fetch(`${cordon.url}/temporal/codec/encode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ payloads: [{ metadata: { encoding: 'not base64!' } }] }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/payloads\[0\]\.metadata/);

    // The Temporal UI's preflight: answered for the configured origin only.
    const preflight = (origin: string) =>
      fetch(`${cordon.url}/temporal/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const ui = await preflight(UI_ORIGIN);
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ui.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/i);
    expect((await preflight('http://evil.test')).status).toBe(403);
    const fromUi = await decode(ADMIN_KEY, { origin: UI_ORIGIN });
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  });

  /** Where the sentinel sits in the database: every row of every table, or PGlite's files. */
  async function databaseHits(): Promise<string[]> {
    if (!db.url) {
      const hits: string[] = [];
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (fs.readFileSync(full).includes(SENTINEL)) hits.push(full);
        }
      };
      walk(path.join(cordon.dataDir, 'pgdata'));
      return hits;
    }
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tenants = (await client.query<{ id: string }>(`SELECT id FROM tenants`)).rows;
      const tables = (
        await client.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
        )
      ).rows.map((r) => r.table_name);
      const hits: string[] = [];
      // Tables are row-level secured per tenant: read each tenant's rows as that tenant.
      for (const tenant of tenants.length ? tenants : [{ id: '' }]) {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('cordon.tenant_id', $1, true)`, [tenant.id]);
        for (const table of tables) {
          const { rows } = await client.query<{ dump: string | null }>(
            `SELECT string_agg(t::text, E'\\n') AS dump FROM "${table}" t`,
          );
          if (rows[0]?.dump?.includes(SENTINEL)) hits.push(table);
        }
        await client.query('COMMIT');
      }
      return hits;
    } finally {
      await client.end();
    }
  }
});
