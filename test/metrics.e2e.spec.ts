import type { FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { connectFake } from './support/fakes';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { eventually, graphqlClient } from './support/graphql-client';
import { scrape, valueOf, type Sample } from './support/prometheus';
import { startHeaderNames } from './support/workflow-headers';
import { manualContainPlaybook } from '../src/playbooks/testing/playbook-samples';

/**
 * /metrics on the built server with real Temporal and a real database: alerts (one folded into
 * another), a playbook run with a vendor call that fails once and is retried, an approval, and
 * what the scrape then says, with the labels it says it with and without any tenant's ids.
 */
const ADMIN_KEY = 'cdn_e2e_metrics_admin_key_0123456789';
const PLAYBOOK = 'metrics-contain';

describe('metrics: /metrics after real ingest, runs, vendor calls and approvals', () => {
  let falcon: FalconFake;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  let responderKey: string;
  let metricsUrl: string;

  beforeAll(async () => {
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    metricsUrl = `${cordon.url}/metrics`;
    gql = graphqlClient(cordon.graphqlUrl);
    const key = await gql(
      `mutation { createApiKey(input: { name: "rita", role: RESPONDER }) { secret } }`,
      {},
      ADMIN_KEY,
    );
    responderKey = key.data.createApiKey.secret;
    falcon = (await connectFake(gql, ADMIN_KEY, 'crowdstrike-falcon', ['edr'])) as FalconFake;
  });

  afterAll(async () => {
    await cordon?.stop();
    await falcon?.stop();
    await db?.drop();
  });

  it('is public by default, in Prometheus text format, with process metrics under cordon_', async () => {
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples } = await scrape(metricsUrl);
    expect(valueOf(samples, 'cordon_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'cordon_nodejs_eventloop_lag_seconds')).toBe(true);
    // Nothing from prom-client's global registry or anyone else's prefix.
    expect(samples.filter((s) => !s.name.startsWith('cordon_'))).toEqual([]);
  });

  it('counts alerts, runs, steps, vendor calls, retries and the approval wait with bounded labels', async () => {
    const before = (await scrape(metricsUrl)).samples;
    const freeTextSource = `acme-siem-${Math.random().toString(36).slice(2)}`;
    const alert = {
      source: 'crowdstrike',
      title: 'Metrics: suspicious process',
      severity: 'LOW',
      observables: [{ type: 'HOSTNAME', value: 'WS-METRICS-01' }],
    };
    const ingest = await gql(
      `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { created deduplicated alerts { id caseId } } }`,
      {
        input: [
          alert,
          alert,
          { ...alert, source: freeTextSource, observables: [{ type: 'HOSTNAME', value: 'WS-METRICS-02' }] },
        ],
      },
      ADMIN_KEY,
    );
    expect(ingest.errors).toBeUndefined();
    expect(ingest.data.ingestAlerts).toMatchObject({ created: 2, deduplicated: 1 });
    const caseId: string = ingest.data.ingestAlerts.alerts[0].caseId;

    const saved = await gql(
      `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`,
      {
        input: {
          source: manualContainPlaybook(PLAYBOOK, {
            isolate: 'retry: { max_attempts: 4, initial_interval: 100ms, backoff: 1 }',
          }),
        },
      },
      ADMIN_KEY,
    );
    expect(saved.errors).toBeUndefined();
    const device = falcon.addDevice({ hostname: 'WS-METRICS-01' });
    // Four 503s exhaust the HTTP client's attempts inside the first activity attempt; Temporal's
    // retry then succeeds: one retryable failure, one success, one activity retry.
    falcon.injectFaults(
      Array.from({ length: 4 }, () => ({
        status: 503,
        match: { pathPrefix: '/devices/entities/devices-actions' },
      })),
    );
    const started = await gql(
      `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id workflowId } } }`,
      { input: { playbookId: PLAYBOOK, caseId, inputs: { hostname: 'WS-METRICS-01' } } },
      ADMIN_KEY,
    );
    expect(started.errors).toBeUndefined();
    const { id: runId, workflowId } = started.data.runPlaybook.run as { id: string; workflowId: string };
    const approvalId = await eventually(async () => {
      const res = await gql(
        `query($filter: ApprovalFilter) { approvals(filter: $filter) { edges { node { id status } } } }`,
        { filter: { runId, status: 'PENDING' } },
        ADMIN_KEY,
      );
      return res.data?.approvals.edges[0]?.node.id as string | undefined;
    }, 'the approval to be requested');
    const decided = await gql(
      `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { status } }`,
      { input: { approvalId, decision: 'APPROVE' } },
      responderKey,
    );
    expect(decided.errors).toBeUndefined();
    const run = await eventually(async () => {
      const res = await gql(`query($id: ID!) { playbookRun(id: $id) { status } }`, { id: runId }, ADMIN_KEY);
      const status = res.data?.playbookRun?.status as string | undefined;
      return status && !['QUEUED', 'RUNNING', 'WAITING'].includes(status) ? status : undefined;
    }, 'the run to end');
    expect(run).toBe('SUCCEEDED');
    expect(falcon.effects.filter((e) => e.target === device.device_id)).toHaveLength(1);

    // No OTEL_* variables here, so no tracing: vendors get no trace context, runs start without one,
    // and the worker's stub sink means nothing complains about a missing exporter.
    expect(falcon.calls.filter((c) => 'traceparent' in c.headers)).toEqual([]);
    expect(await startHeaderNames(cordon.temporalAddress(), workflowId)).not.toContain('_tracer-data');
    expect(cordon.output()).not.toMatch(/unregistered external sink/i);

    const { text, samples: after } = await scrape(metricsUrl);
    const delta = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);

    // Alerts: by the source Cordon knows; the free-text one is "other", never itself.
    expect(delta('cordon_alerts_ingested_total', { source: 'crowdstrike', outcome: 'new' })).toBe(1);
    expect(delta('cordon_alerts_ingested_total', { source: 'crowdstrike', outcome: 'deduplicated' })).toBe(1);
    expect(delta('cordon_alerts_ingested_total', { source: 'other', outcome: 'new' })).toBe(1);
    expect(text).not.toContain(freeTextSource);

    expect(delta('cordon_playbook_runs_total', { playbook: PLAYBOOK, status: 'started' })).toBe(1);
    expect(delta('cordon_playbook_runs_total', { playbook: PLAYBOOK, status: 'succeeded' })).toBe(1);
    expect(delta('cordon_playbook_runs_total', { playbook: PLAYBOOK, status: 'failed' })).toBe(0);

    const steps = (kind: string) =>
      delta('cordon_playbook_step_duration_seconds_count', { kind, status: 'succeeded' });
    expect(steps('action')).toBe(2);
    expect(steps('approval')).toBe(1);

    // Requested → decided: one observation, and it took some time (the test decided after polling).
    expect(delta('cordon_approval_wait_seconds_count', { outcome: 'approved' })).toBe(1);
    expect(delta('cordon_approval_wait_seconds_sum', { outcome: 'approved' })).toBeGreaterThan(0);

    const calls = (action: string, outcome: string) =>
      delta('cordon_integration_calls_total', { vendor: 'crowdstrike-falcon', action, outcome });
    expect(calls('edr.find_host', 'success')).toBe(1);
    expect(calls('edr.isolate_host', 'retryable_error')).toBe(1);
    expect(calls('edr.isolate_host', 'success')).toBe(1);
    expect(
      delta('cordon_integration_call_duration_seconds_count', {
        vendor: 'crowdstrike-falcon',
        action: 'edr.isolate_host',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(delta('cordon_activity_retries_total', { activity: 'runAction' })).toBe(1);

    // The worker in this (embedded) process reports its slots and cache.
    for (const slot of ['workflow_task', 'activity_task', 'local_activity_task'])
      expect(
        after.some((s) => s.name === 'cordon_temporal_worker_slots_in_use' && s.labels.slot === slot),
      ).toBe(true);
    expect(valueOf(after, 'cordon_temporal_worker_cached_workflows')).toBeGreaterThanOrEqual(0);
    expect(after.some((s) => s.name === 'cordon_temporal_worker_cached_workflows')).toBe(true);

    // No tenant, run, case, alert or approval id, and no key, anywhere in the scrape.
    const me = await gql(`query { me { tenantId } }`, {}, ADMIN_KEY);
    const ids = [
      me.data.me.tenantId as string,
      runId,
      caseId,
      approvalId,
      ...ingest.data.ingestAlerts.alerts.map((a: { id: string }) => a.id),
      ADMIN_KEY,
      responderKey,
    ];
    for (const id of ids) expect(text).not.toContain(id);
    expect(labelValues(after).filter((v) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(v))).toEqual([]);
  });
});

function labelValues(samples: Sample[]): string[] {
  return [...new Set(samples.flatMap((s) => Object.values(s.labels)))];
}
