import type { FalconFake } from '../../integrations/crowdstrike-falcon/fake/falcon.fake';
import { buildSnapshot } from '../support/build-snapshot';
import { startCordon, testDatabase, type CordonProcess } from '../support/cordon-process';
import {
  FAULT_ADMIN_KEY,
  OPS,
  finishedRun,
  newFalcon,
  ok,
  wireTenant,
  type Gql,
} from '../support/fault-harness';
import { graphqlClient } from '../support/graphql-client';
import { startVendorFront, type VendorFront } from '../support/vendor-front';

/**
 * Issue 8: the vendor misbehaves. One isolation per test against the Falcon fake, through the
 * built server with a real Temporal dev server and database. Falcon sits behind vendor-front so a
 * test can let Falcon act and then lose its answer (a vendor that hangs after doing the work).
 */
const CONTAIN = '/devices/entities/devices-actions/v2';

/** One isolation with the platform's retries. */
const ISOLATE = `
id: fault-vendor
name: One isolation (vendor fault tests)
trigger: { event: manual }
inputs: { host_id: '' }
steps:
  - id: isolate
    action: edr.isolate_host
    with: { host_id: '{{ inputs.host_id }}' }
    timeout: 30s
    retry: { max_attempts: 4, initial_interval: 500ms, backoff: 2 }
`;

/** The same with a 3 s attempt timeout: a vendor that does not answer is given up on quickly. */
const ISOLATE_QUICK = ISOLATE.replace('id: fault-vendor', 'id: fault-vendor-quick').replace('30s', '3s');

describe('vendor faults', () => {
  let falcon: FalconFake;
  let front: VendorFront;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let cordon: CordonProcess;
  let gql: Gql;
  let responderKey: string;
  let caseId: string;

  beforeAll(async () => {
    falcon = newFalcon();
    await falcon.start(0);
    front = await startVendorFront(falcon.url);
    db = await testDatabase();
    cordon = await startCordon({
      root: buildSnapshot(),
      env: {
        CORDON_BOOTSTRAP_API_KEY: FAULT_ADMIN_KEY,
        DATABASE_URL: db.url,
        CORDON_ALLOW_PRIVATE_CONNECTIONS: '1',
      },
    });
    gql = graphqlClient(cordon.graphqlUrl);
    ({ responderKey } = await wireTenant(gql, front.url));
    await ok(gql(OPS.save, { input: { source: ISOLATE } }, FAULT_ADMIN_KEY));
    await ok(gql(OPS.save, { input: { source: ISOLATE_QUICK } }, FAULT_ADMIN_KEY));
    const ingest = await ok(
      gql(
        OPS.ingest,
        { input: [{ source: 'edr', title: 'Vendor faults', severity: 'LOW' }] },
        FAULT_ADMIN_KEY,
      ),
    );
    caseId = ingest.ingestAlerts.alerts[0].caseId;
  }, 300_000);

  afterAll(async () => {
    await cordon?.stop();
    await front?.stop();
    await falcon?.stop();
    await db?.drop();
  });

  const hostId = (name: string) => falcon.devices.all().find((d) => d.hostname === name)!.device_id;
  const containCalls = (id: string) =>
    falcon.calls.filter(
      (c) => c.method === 'POST' && c.path.startsWith(CONTAIN) && JSON.stringify(c.body).includes(id),
    );
  const isolations = (id: string) =>
    falcon.effects.filter((e) => e.capability === 'edr.isolate_host' && e.target === id);

  async function isolate(host: string, playbookId = 'fault-vendor') {
    const { runPlaybook } = await ok(
      gql(
        OPS.runPlaybook,
        { input: { playbookId, caseId, inputs: { host_id: hostId(host) } } },
        FAULT_ADMIN_KEY,
      ),
    );
    return runPlaybook.run.id as string;
  }

  it('503, 503, 200: succeeds on the third call, isolating once', async () => {
    const target = hostId('WS-01');
    falcon.injectFaults([1, 2].map(() => ({ status: 503, match: { method: 'POST', pathPrefix: CONTAIN } })));
    const run = await finishedRun(gql, responderKey, await isolate('WS-01'));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps[0]).toMatchObject({
      stepId: 'isolate',
      status: 'SUCCEEDED',
      output: { host_id: target },
    });
    // The shared HTTP client retried within the one activity attempt.
    expect(run.steps[0].attempts).toBe(1);
    expect(containCalls(target)).toHaveLength(3);
    expect(isolations(target)).toHaveLength(1);
  });

  it('404 "unknown host": not retried; the step fails with the vendor’s words and the case timeline says so', async () => {
    const target = hostId('WS-FIN-07');
    falcon.injectFaults([
      {
        status: 404,
        body: { meta: {}, resources: [], errors: [{ code: 404, message: 'unknown host' }] },
        match: { method: 'POST', pathPrefix: CONTAIN },
      },
    ]);
    const runId = await isolate('WS-FIN-07');
    const run = await finishedRun(gql, responderKey, runId);
    expect(run.status).toBe('FAILED');
    expect(run.steps[0]).toMatchObject({
      stepId: 'isolate',
      status: 'FAILED',
      attempts: 1,
      error: { message: 'unknown host', vendor: 'CrowdStrike', status: 404, retryable: false },
    });
    expect(containCalls(target)).toHaveLength(1);
    expect(isolations(target)).toHaveLength(0);

    const { case: kase } = await ok(gql(OPS.caseTimeline, { id: caseId }, responderKey));
    const entry = kase.timeline.find(
      (e: any) => e.kind === 'PLAYBOOK_STEP' && e.data.runId === runId && e.data.stepId === 'isolate',
    );
    expect(entry?.data).toMatchObject({
      status: 'FAILED',
      error: { message: 'unknown host', vendor: 'CrowdStrike' },
    });
  });

  it('a vendor that acts and then hangs: the attempt times out, the retry succeeds, no second effect', async () => {
    const target = hostId('SRV-DB-02');
    const held = front.holdNextAnswer({ method: 'POST', pathPrefix: CONTAIN });
    const runId = await isolate('SRV-DB-02', 'fault-vendor-quick');
    const answer = await held;
    expect(answer.status).toBe(202);
    expect(isolations(target)).toHaveLength(1);

    // Temporal gives attempt 1 up after 3 s; attempt 2 reads the device and finds it contained.
    const run = await finishedRun(gql, responderKey, runId);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 2, output: { already: true } });
    expect(containCalls(target)).toHaveLength(1);

    // The hung answer finally reaches the abandoned attempt, which has nothing left to ask.
    answer.release();
    expect(isolations(target)).toHaveLength(1);
    expect(containCalls(target)).toHaveLength(1);
  });

  it('a 429 storm: every wait is the one Falcon asked for, then one isolation', async () => {
    const target = hostId('MBP-DES-03');
    // Falcon says when to come back as an epoch second (X-Ratelimit-Retryafter), a second apart.
    const base = Math.ceil(Date.now() / 1000) + 2;
    const told = [0, 1, 2, 3, 4].map((k) => base + k);
    falcon.injectFaults(
      told.map((at) => ({
        status: 429,
        headers: { 'X-Ratelimit-Retryafter': String(at) },
        body: { meta: {}, resources: [], errors: [{ code: 429, message: 'API rate limit exceeded.' }] },
        match: { method: 'POST', pathPrefix: CONTAIN },
      })),
    );
    const from = falcon.calls.length;
    const run = await finishedRun(gql, responderKey, await isolate('MBP-DES-03'));
    expect(run.status).toBe('SUCCEEDED');
    const calls = falcon.calls.slice(from);
    const posts = calls.filter((c) => c.method === 'POST' && c.path.startsWith(CONTAIN));
    expect(posts).toHaveLength(6);
    // After each 429, nothing reaches Falcon before the time it named, and not much after it:
    // four waits inside the HTTP client, then Temporal's retry delayed as told, then the fifth.
    for (const [k, at] of told.entries()) {
      const next = calls[calls.indexOf(posts[k]) + 1];
      expect(next.at).toBeGreaterThanOrEqual(at * 1000);
      expect(next.at).toBeLessThan(at * 1000 + 1500);
    }
    expect(run.steps[0].attempts).toBe(2);
    expect(isolations(target)).toHaveLength(1);
  });
});
