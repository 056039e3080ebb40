import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import type { FakeVendorServer } from '../src/integrations/kit/integration.types';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { eventually, graphqlClient } from './support/graphql-client';

/**
 * Embedded mode keeps its state under the data directory: a run waiting on an approval survives
 * a restart of the whole process tree (API, worker, database, Temporal dev server) and then
 * completes, acting once.
 */
const ADMIN_KEY = 'cdn_restart_admin_key_0123456789ab';

describe('restart keeps alerts, cases and in-flight runs', () => {
  let falcon: FakeVendorServer;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let cordon: CordonProcess | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-restart-'));

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'id', clientSecret: 'secret' });
    await falcon.start(0);
    db = await testDatabase();
  });

  afterAll(async () => {
    await cordon?.stop();
    await falcon?.stop();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () =>
    startCordon({ dataDir, env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });

  it('finishes an approved run after the restart', async () => {
    cordon = await start();
    let gql = graphqlClient(cordon.graphqlUrl);
    const conn = await gql(
      `mutation($i: UpsertConnectionInput!) { upsertConnection(input: $i) { id } }`,
      {
        i: {
          integrationId: 'crowdstrike-falcon',
          name: 'f',
          settings: { baseUrl: falcon.url },
          secrets: { clientId: 'id', clientSecret: 'secret' },
        },
      },
      ADMIN_KEY,
    );
    await gql(
      `mutation($i: BindCapabilityInput!) { bindCapability(input: $i) { capability } }`,
      { i: { capability: 'edr', connectionId: conn.data.upsertConnection.id } },
      ADMIN_KEY,
    );
    const responder = (
      await gql(`mutation { createApiKey(input: { name: "r", role: RESPONDER }) { secret } }`, {}, ADMIN_KEY)
    ).data.createApiKey.secret as string;
    const ingest = await gql(
      `mutation($i: [AlertInput!]!) { ingestAlerts(input: $i) { alerts { id caseId } } }`,
      {
        i: [
          {
            source: 'crowdstrike',
            sourceRef: 'r-1',
            title: 'Ransomware',
            severity: 'HIGH',
            observables: [{ type: 'HOSTNAME', value: 'WS-01' }],
          },
        ],
      },
      ADMIN_KEY,
    );
    const { caseId } = ingest.data.ingestAlerts.alerts[0];
    const pending = `query($c: ID) { approvals(filter: { status: PENDING, caseId: $c }) { edges { node { id runId } } } }`;
    const approval = await eventually(
      async () => (await gql(pending, { c: caseId }, responder)).data.approvals.edges[0]?.node,
      'a pending approval',
    );

    expect(await cordon.stop()).toBe(0);
    cordon = await start();
    gql = graphqlClient(cordon.graphqlUrl);
    expect(cordon.output()).not.toContain('admin API key');

    const still = await gql(pending, { c: caseId }, responder);
    expect(still.data.approvals.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([approval.id]);
    const decided = await gql(
      `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`,
      { i: { approvalId: approval.id, decision: 'APPROVE' } },
      responder,
    );
    expect(decided.errors).toBeUndefined();
    // Contained after the restart; the run then waits for the case to close.
    await eventually(async () => {
      const r = (
        await gql(
          `query($id: ID!) { playbookRun(id: $id) { steps { stepId status } } }`,
          { id: approval.runId },
          responder,
        )
      ).data.playbookRun;
      return r.steps.some(
        (st: { stepId: string; status: string }) => st.stepId === 'closed' && st.status === 'WAITING',
      )
        ? true
        : undefined;
    }, 'containment');
    expect(falcon.calls.filter((c) => c.path.includes('action_name=contain'))).toHaveLength(1);
    const kase = (await gql(`query($id: ID!) { case(id: $id) { status } }`, { id: caseId }, responder)).data
      .case;
    expect(kase.status).toBe('CONTAINED');
    for (const status of ['RESOLVED', 'CLOSED']) {
      const res = await gql(
        `mutation($i: UpdateCaseInput!) { updateCase(input: $i) { id } }`,
        { i: { caseId, status, resolution: 'TRUE_POSITIVE' } },
        ADMIN_KEY,
      );
      expect(res.errors).toBeUndefined();
    }
    const run = await eventually(async () => {
      const r = (
        await gql(`query($id: ID!) { playbookRun(id: $id) { status } }`, { id: approval.runId }, responder)
      ).data.playbookRun;
      return r.status === 'RUNNING' || r.status === 'WAITING' ? undefined : r;
    }, 'the run to finish');
    expect(run.status).toBe('SUCCEEDED');
  });
});
