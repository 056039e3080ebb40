import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { eventually, graphqlClient } from './support/graphql-client';

/**
 * CORDON_DEMO=1: a newcomer's Cordon acts on the vendors' fakes, so the shipped contain-host
 * playbook runs end to end with nothing to configure but an approval.
 */
const ADMIN_KEY = 'cdn_e2e_demo_admin_key_0123456789abcd';

describe('demo mode', () => {
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;

  beforeAll(async () => {
    db = await testDatabase();
    cordon = await startCordon({
      // The demo allows its own loopback fakes; nothing else needs to say so.
      env: {
        CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY,
        DATABASE_URL: db.url,
        CORDON_DEMO: '1',
        CORDON_ALLOW_PRIVATE_CONNECTIONS: undefined,
      },
    });
  });

  afterAll(async () => {
    await cordon?.stop();
    await db?.drop();
  });

  it('binds every capability family to a fake and contains a host on approval', async () => {
    // Printed once the API listens, just after the line startCordon waits for.
    await eventually(
      async () =>
        /demo: capabilities bound to the vendors' fakes \(edr → crowdstrike-falcon/.test(cordon.output())
          ? true
          : undefined,
      'the demo line',
    );
    const gql = graphqlClient(cordon.graphqlUrl);
    const bindings = await gql(`{ connections { name integrationId } }`, {}, ADMIN_KEY);
    expect(bindings.data.connections.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['demo-crowdstrike-falcon', 'demo-okta', 'demo-palo-alto-panos', 'demo-slack']),
    );
    const responder = (
      await gql(
        `mutation { createApiKey(input: { name: "newcomer", role: RESPONDER }) { secret } }`,
        {},
        ADMIN_KEY,
      )
    ).data.createApiKey.secret as string;
    const ingest = await gql(
      `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { caseId } } }`,
      {
        input: [
          {
            source: 'demo',
            title: 'Ransomware on WS-01',
            severity: 'CRITICAL',
            observables: [{ type: 'HOSTNAME', value: 'WS-01' }],
          },
        ],
      },
      ADMIN_KEY,
    );
    const caseId = ingest.data.ingestAlerts.alerts[0].caseId as string;
    const approval = await eventually(async () => {
      const res = await gql(
        `query($c: ID) { approvals(filter: { status: PENDING, caseId: $c }) { edges { node { id } } } }`,
        { c: caseId },
        responder,
      );
      return res.data.approvals.edges[0]?.node as { id: string } | undefined;
    }, 'the approval');
    const decided = await gql(
      `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`,
      { i: { approvalId: approval.id, decision: 'APPROVE' } },
      responder,
    );
    expect(decided.errors).toBeUndefined();
    await eventually(async () => {
      const res = await gql(`query($id: ID!) { case(id: $id) { status } }`, { id: caseId }, responder);
      return res.data.case.status === 'CONTAINED' ? true : undefined;
    }, 'the case to be contained');
  });
});
