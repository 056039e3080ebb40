import { createFalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import type { FakeVendorServer } from '../src/integrations/kit/integration.types';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { errorCodes, eventually, graphqlClient, postRaw } from './support/graphql-client';
import { recordHistory } from './support/histories';

/**
 * The walking skeleton end to end, on the built server with a real Temporal dev server and a
 * real database (PostgreSQL when DATABASE_URL is set, PGlite otherwise): alert in, approval,
 * containment out through the Falcon adapter against its fake.
 */
const ADMIN_KEY = 'cdn_e2e_admin_key_0123456789abcdef';

const INGEST = `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { created deduplicated alerts { id caseId duplicateCount } } }`;
const PENDING = `query($caseId: ID) { approvals(filter: { status: PENDING, caseId: $caseId }) { totalCount edges { node { id runId prompt status } } } }`;
const DECIDE = `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { id status decisions { actorId decision } } }`;
const RUN = `query($id: ID!) { playbookRun(id: $id) { id status workflowId error steps { stepId status attempts input output error } } }`;
const CASE = `query($id: ID!) { case(id: $id) { id number status containedAt } }`;

describe('contain-host: alert in, approved containment out', () => {
  let falcon: FakeVendorServer;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  let responderKey: string;

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'falcon-id', clientSecret: 'falcon-secret' });
    await falcon.start(0);
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    gql = graphqlClient(cordon.graphqlUrl);

    const key = await gql(
      `mutation { createApiKey(input: { name: "alice", role: RESPONDER }) { secret apiKey { id prefix role } } }`,
      {},
      ADMIN_KEY,
    );
    expect(key.errors).toBeUndefined();
    responderKey = key.data.createApiKey.secret;

    const conn = await gql(
      `mutation($input: UpsertConnectionInput!) { upsertConnection(input: $input) { id integrationId secretNames settings } }`,
      {
        input: {
          integrationId: 'crowdstrike-falcon',
          name: 'falcon-prod',
          settings: { baseUrl: falcon.url },
          secrets: { clientId: 'falcon-id', clientSecret: 'falcon-secret' },
        },
      },
      ADMIN_KEY,
    );
    expect(conn.errors).toBeUndefined();
    expect(conn.data.upsertConnection.secretNames).toEqual(['clientId', 'clientSecret']);
    expect(JSON.stringify(conn.data)).not.toContain('falcon-secret');
    const bind = await gql(
      `mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability connectionId } }`,
      { input: { capability: 'edr', connectionId: conn.data.upsertConnection.id } },
      ADMIN_KEY,
    );
    expect(bind.errors).toBeUndefined();
  });

  afterAll(async () => {
    await cordon?.stop();
    await falcon?.stop();
    await db?.drop();
  });

  async function ingestHostAlert(hostname: string, ref: string) {
    const res = await gql(
      INGEST,
      {
        input: [
          {
            source: 'crowdstrike',
            sourceRef: ref,
            title: `Ransomware behaviour on ${hostname}`,
            severity: 'CRITICAL',
            techniques: ['T1486'],
            observables: [{ type: 'HOSTNAME', value: hostname }],
          },
        ],
      },
      ADMIN_KEY,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.ingestAlerts.created).toBe(1);
    return res.data.ingestAlerts.alerts[0] as { id: string; caseId: string };
  }

  async function pendingApproval(caseId: string) {
    return eventually(async () => {
      const res = await gql(PENDING, { caseId }, responderKey);
      expect(res.errors).toBeUndefined();
      return res.data.approvals.edges[0]?.node as { id: string; runId: string; prompt: string } | undefined;
    }, 'a pending approval');
  }

  async function finishedRun(runId: string) {
    return eventually(async () => {
      const res = await gql(RUN, { id: runId }, responderKey);
      expect(res.errors).toBeUndefined();
      const run = res.data.playbookRun;
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) ? run : undefined;
    }, 'the run to finish');
  }

  function containCalls() {
    return falcon.calls.filter(
      (c) => c.method === 'POST' && c.path.startsWith('/devices/entities/devices-actions/v2'),
    );
  }

  it('is ready, and refuses callers without a valid key', async () => {
    const ready = await fetch(`${cordon.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(errorCodes(await gql('{ me { actorId } }'))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await gql('{ me { actorId } }', {}, 'cdn_not_a_real_key_000000000000000'))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('APPROVE: finds the host, waits, contains it exactly once and marks the case CONTAINED', async () => {
    const alert = await ingestHostAlert('WS-01', 'det-approve-1');
    const approval = await pendingApproval(alert.caseId);
    expect(approval.prompt).toContain('WS-01');

    const waiting = (await gql(RUN, { id: approval.runId }, responderKey)).data.playbookRun;
    const host = waiting.steps.find((s: { stepId: string }) => s.stepId === 'host');
    expect(host).toMatchObject({ status: 'SUCCEEDED', attempts: 1, input: { hostname: 'WS-01' } });
    expect(host.output.host_id).toMatch(/^[0-9a-f]{32}$/);
    expect(containCalls()).toHaveLength(0);

    // The key that ingested the alert started the run, so it may not approve it.
    const own = await gql(DECIDE, { input: { approvalId: approval.id, decision: 'APPROVE' } }, ADMIN_KEY);
    expect(errorCodes(own)).toEqual(['FORBIDDEN']);

    const decided = await gql(
      DECIDE,
      { input: { approvalId: approval.id, decision: 'APPROVE', comment: 'go' } },
      responderKey,
    );
    expect(decided.errors).toBeUndefined();
    expect(decided.data.decideApproval.status).toBe('APPROVED');

    // Contained, the run now waits for the case to close (to release the host if it was benign).
    const run = await eventually(async () => {
      const r = (await gql(RUN, { id: approval.runId }, responderKey)).data.playbookRun;
      return r.steps.some(
        (st: { stepId: string; status: string }) => st.stepId === 'closed' && st.status === 'WAITING',
      )
        ? r
        : undefined;
    }, 'the run to wait for the case to close');
    expect(run.steps.map((s: { stepId: string; status: string }) => [s.stepId, s.status])).toEqual([
      ['host', 'SUCCEEDED'],
      ['intel', 'SKIPPED'],
      ['approve', 'SUCCEEDED'],
      ['isolate', 'SUCCEEDED'],
      ['record', 'SUCCEEDED'],
      ['closed', 'WAITING'],
    ]);
    const calls = containCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0].path).toBe('/devices/entities/devices-actions/v2?action_name=contain');
    expect(calls[0].body).toEqual({ ids: [host.output.host_id] });

    const kase = (await gql(CASE, { id: alert.caseId }, responderKey)).data.case;
    expect(kase.status).toBe('CONTAINED');
    expect(kase.containedAt).toBeTruthy();

    // The incident report tells the client what happened, who approved it and what was done.
    await gql(
      `mutation($i: UpdateCaseInput!) { updateCase(input: $i) { id } }`,
      { i: { caseId: alert.caseId, recommendations: 'Reimage WS-01 | rotate credentials' } },
      ADMIN_KEY,
    );
    const report = (await gql(`query($id: ID!) { caseReport(id: $id) }`, { id: alert.caseId }, responderKey))
      .data.caseReport as string;
    expect(report).toMatch(/^# Incident report — case \d+: Ransomware behaviour on WS-01/);
    expect(report).toContain('| Status | CONTAINED |');
    expect(report).toContain('| HOSTNAME | `WS-01` | 1 |');
    expect(report).toMatch(/\| isolate \| edr\.isolate_host \| SUCCEEDED \| 1 \|/);
    expect(report).toMatch(/\| approve \| Contain WS-01 .* \| APPROVED \| alice \| APPROVE \|/);
    expect(report).toContain('## Recommendations\n\nReimage WS-01 | rotate credentials');

    // Deciding again is a conflict, and changes nothing.
    const again = await gql(DECIDE, { input: { approvalId: approval.id, decision: 'REJECT' } }, responderKey);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    expect(containCalls()).toHaveLength(1);

    // Closed as a true positive: the host stays contained and the run ends.
    for (const status of ['RESOLVED', 'CLOSED']) {
      const res = await gql(
        `mutation($i: UpdateCaseInput!) { updateCase(input: $i) { id } }`,
        { i: { caseId: alert.caseId, status, resolution: 'TRUE_POSITIVE' } },
        ADMIN_KEY,
      );
      expect(res.errors).toBeUndefined();
    }
    const done = await finishedRun(approval.runId);
    await recordHistory('contain-host-approve-true-positive', done.workflowId, cordon, ADMIN_KEY);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.steps.find((s: { stepId: string }) => s.stepId === 'release')).toMatchObject({
      status: 'SKIPPED',
    });
    expect(containCalls()).toHaveLength(1);
  });

  it('REJECT: ends the run without acting', async () => {
    const before = containCalls().length;
    const alert = await ingestHostAlert('WS-FIN-07', 'det-reject-1');
    const approval = await pendingApproval(alert.caseId);
    const decided = await gql(
      DECIDE,
      { input: { approvalId: approval.id, decision: 'REJECT' } },
      responderKey,
    );
    expect(decided.data.decideApproval.status).toBe('REJECTED');
    const run = await finishedRun(approval.runId);
    await recordHistory('contain-host-reject', run.workflowId, cordon, ADMIN_KEY);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps.find((s: { stepId: string }) => s.stepId === 'isolate').status).toBe('SKIPPED');
    expect(containCalls()).toHaveLength(before);
    const kase = (await gql(CASE, { id: alert.caseId }, responderKey)).data.case;
    expect(kase.status).toBe('OPEN');
  });

  it('folds a repeated delivery into the same alert without a second run', async () => {
    const first = await ingestHostAlert('SRV-DB-02', 'det-repeat-1');
    const res = await gql(
      INGEST,
      {
        input: [
          {
            source: 'crowdstrike',
            sourceRef: 'det-repeat-1',
            title: 'again',
            severity: 'CRITICAL',
            observables: [{ type: 'HOSTNAME', value: 'SRV-DB-02' }],
          },
        ],
      },
      ADMIN_KEY,
    );
    expect(res.data.ingestAlerts).toMatchObject({
      created: 0,
      deduplicated: 1,
      alerts: [{ id: first.id, duplicateCount: 1 }],
    });
    await pendingApproval(first.caseId);
    const runs = await gql(
      `query($caseId: ID) { playbookRuns(caseId: $caseId) { totalCount } }`,
      { caseId: first.caseId },
      responderKey,
    );
    expect(runs.data.playbookRuns.totalCount).toBe(1);
  });

  describe('bad input', () => {
    const count = async () =>
      (await gql(`{ alerts(first: 1) { totalCount } }`, {}, ADMIN_KEY)).data.alerts.totalCount as number;
    const valid = { source: 'crowdstrike', title: 'ok', severity: 'LOW' };

    it.each([
      ['a missing title', { source: 'crowdstrike', severity: 'HIGH' }, 'title'],
      ['an unknown severity', { ...valid, severity: 'APOCALYPTIC' }, 'severity'],
      ['a 5 MB description', { ...valid, description: 'x'.repeat(5 * 1024 * 1024) }, 'description'],
      ['a malformed technique', { ...valid, techniques: ['ransomware'] }, 'techniques'],
    ])('rejects %s with BAD_USER_INPUT naming the field, writing nothing', async (_what, bad, field) => {
      const before = await count();
      const res = await gql(INGEST, { input: [valid, bad] }, ADMIN_KEY);
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toContain(field);
      expect(await count()).toBe(before);
    });

    it('refuses a 5,000-item batch with BAD_USER_INPUT naming limit and count, writing nothing', async () => {
      const before = await count();
      const batch = Array.from({ length: 5000 }, (_, i) => ({ ...valid, sourceRef: `batch-${i}` }));
      const res = await gql(INGEST, { input: batch }, ADMIN_KEY);
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toBe('input: at most 1000 items per call, got 5000');
      expect(await count()).toBe(before);
    });

    it('refuses a 10 MB raw payload with BAD_USER_INPUT naming raw, writing nothing', async () => {
      const before = await count();
      // An object like a verbose EDR export: 10,240 events of just over 1 KB, under the 16 MB body limit.
      const raw = {
        events: Array.from({ length: 10 * 1024 }, (_, i) => ({ seq: i, data: 'x'.repeat(1024) })),
      };
      expect(JSON.stringify(raw).length).toBeGreaterThan(10 * 1024 * 1024);
      const res = await gql(INGEST, { input: [valid, { ...valid, raw }] }, ADMIN_KEY);
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toContain('raw must be at most 262144 bytes of JSON');
      expect(res.errors![0].extensions!.fields).toEqual([expect.stringMatching(/raw$/)]);
      expect(await count()).toBe(before);
    });

    it('refuses a body over the 16 MB limit with a JSON 413 naming the limit, writing nothing', async () => {
      const before = await count();
      const raw = { blob: 'x'.repeat(17 * 1024 * 1024) };
      const res = await postRaw(
        cordon.graphqlUrl,
        JSON.stringify({ query: INGEST, variables: { input: [{ ...valid, raw }] } }),
        ADMIN_KEY,
      );
      expect(res.status).toBe(413);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        errors: [{ message: 'body: larger than the 16 MB limit', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      });
      expect(await count()).toBe(before);
    });

    it('refuses a malformed JSON body with a JSON 400, writing nothing', async () => {
      const before = await count();
      const whole = JSON.stringify({ query: INGEST, variables: { input: [valid] } });
      const res = await postRaw(cordon.graphqlUrl, whole.slice(0, -10), ADMIN_KEY);
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(errorCodes(res.body)).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors![0].message).toMatch(/^body: not valid JSON \(.+\)$/);
      expect(await count()).toBe(before);
    });

    it('refuses a viewer-only operation for a key without the role', async () => {
      const viewer = await gql(
        `mutation { createApiKey(input: { name: "v", role: VIEWER }) { secret } }`,
        {},
        ADMIN_KEY,
      );
      const res = await gql(INGEST, { input: [valid] }, viewer.data.createApiKey.secret);
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    });

    it('answers NOT_FOUND for ids that do not exist', async () => {
      expect(errorCodes(await gql(RUN, { id: '00000000-0000-4000-8000-000000000000' }, ADMIN_KEY))).toEqual([
        'NOT_FOUND',
      ]);
      expect(errorCodes(await gql(CASE, { id: 'not-a-uuid' }, ADMIN_KEY))).toEqual(['NOT_FOUND']);
    });
  });
});
