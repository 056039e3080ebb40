import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createFalconFake, type FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { startCordon, temporalCli, testDatabase, type CordonProcess } from './support/cordon-process';
import { eventually, graphqlClient } from './support/graphql-client';

/**
 * A connection secret must never be readable anywhere but inside the activity that uses it: not
 * in a log line (even at debug), a GraphQL answer, the database, or Temporal's history. This runs
 * a whole containment with a sentinel secret and then looks for it everywhere.
 */
const ADMIN_KEY = 'cdn_e2e_leak_admin_key_0123456789abcd';
const SENTINEL = 'S3NT1NEL-f4lc0n-s3cr3t-7f3a9c';

describe('no secret in the clear', () => {
  let falcon: FalconFake;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  const answers: string[] = [];
  let gql: (q: string, v: Record<string, unknown>, key: string) => Promise<any>;

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'leak-client', clientSecret: SENTINEL });
    await falcon.start(0);
    db = await testDatabase();
    cordon = await startCordon({
      env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url, LOG_LEVEL: 'debug' },
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
            title: 'leak check',
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
    const { stdout } = await promisify(execFile)(
      await temporalCli(),
      [
        'workflow',
        'show',
        '--workflow-id',
        run.workflowId,
        '--address',
        cordon.temporalAddress()!,
        '--output',
        'json',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    // Payloads are base64 in the JSON history: decode every one before looking.
    const history = `${stdout}\n${decodedPayloads(JSON.parse(stdout)).join('\n')}`;
    expect(history).toContain('edr.isolate_host');
    expect(history).not.toContain(SENTINEL);
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

function decodedPayloads(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => decodedPayloads(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.data === 'string' && o.metadata && typeof o.metadata === 'object')
      out.push(Buffer.from(o.data, 'base64').toString('utf8'));
    Object.values(o).forEach((v) => decodedPayloads(v, out));
  }
  return out;
}
