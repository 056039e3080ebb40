import type { FakeVendorServer } from '../src/integrations/kit/integration.types';
import { connectFake } from './support/fakes';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { eventually, graphqlClient } from './support/graphql-client';
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from './support/otlp-collector';
import { startHeaderNames } from './support/workflow-headers';

/**
 * OpenTelemetry on the built server, real Temporal and a real database, exporting over OTLP/HTTP
 * to a local collector: one trace follows a runPlaybook request through the Temporal client, the
 * workflow, the action activity and the vendor call, whose traceparent the vendor receives.
 * The spans leave through the exporter's flush on shutdown. The scrape token is set here as
 * well, so /metrics is checked behind it.
 */
const ADMIN_KEY = 'cdn_e2e_tracing_admin_key_0123456789';
const METRICS_TOKEN = 'e2e-scrape-token-0123456789';
const PLAYBOOK = 'traced-lookup';
const KIND = { server: 2, client: 3 };

describe('tracing: one trace from the API request to the vendor call', () => {
  let collector: OtlpCollector;
  let vendor: FakeVendorServer;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    db = await testDatabase();
    cordon = await startCordon({
      env: {
        CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY,
        DATABASE_URL: db.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        // The batch processor's own setting: no scheduled export during the test, so the spans
        // reach the collector only through the flush on shutdown.
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        CORDON_METRICS_TOKEN: METRICS_TOKEN,
      },
    });
    gql = graphqlClient(cordon.graphqlUrl);
    vendor = await connectFake(gql, ADMIN_KEY, 'crowdstrike-falcon', ['edr']);
    const saved = await gql(
      `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`,
      {
        input: {
          source: `
id: ${PLAYBOOK}
name: Traced lookup
trigger: { event: manual }
steps:
  - id: host
    action: edr.find_host
    with: { hostname: NOT-THERE }
    on_error: continue
`,
        },
      },
      ADMIN_KEY,
    );
    expect(saved.errors).toBeUndefined();
  });

  afterAll(async () => {
    await cordon?.stop();
    await vendor?.stop();
    await collector?.stop();
    await db?.drop();
  });

  it('asks for the scrape token on /metrics once one is set', async () => {
    const url = `${cordon.url}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE cordon_playbook_runs_total counter');
  });

  it('links the request, workflow, activity and vendor-call spans under one trace id', async () => {
    vendor.resetCalls();
    const started = await gql(
      `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id workflowId } } }`,
      { input: { playbookId: PLAYBOOK } },
      ADMIN_KEY,
    );
    expect(started.errors).toBeUndefined();
    const { id: runId, workflowId } = started.data.runPlaybook.run as { id: string; workflowId: string };
    await eventually(async () => {
      const res = await gql(`query($id: ID!) { playbookRun(id: $id) { status } }`, { id: runId }, ADMIN_KEY);
      return res.data?.playbookRun?.status === 'SUCCEEDED' ? true : undefined;
    }, 'the run to succeed');

    // The vendor's request carried the trace context (W3C traceparent).
    const traceparent = vendor.calls.find((c) => c.path.startsWith('/devices/'))?.headers.traceparent;
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    const traceId = traceparent!.split('-')[1];
    // The workflow was started with the trace context in its headers.
    expect(await startHeaderNames(cordon.temporalAddress(), workflowId)).toContain('_tracer-data');

    // A clean stop flushes what the batch processor holds.
    expect(await cordon.stop()).toBe(0);

    const trace = await eventually(
      async () => {
        const spans = collector.spans().filter((s) => s.traceId === traceId);
        const wanted = [
          (s: CollectedSpan) => s.kind === KIND.server && s.name === 'POST /graphql',
          (s: CollectedSpan) => s.name === 'StartWorkflow:playbookRunWorkflow',
          (s: CollectedSpan) => s.name === 'RunWorkflow:playbookRunWorkflow',
          (s: CollectedSpan) => s.name === 'RunActivity:runAction',
          (s: CollectedSpan) => s.kind === KIND.client && s.attributes['cordon.action'] === 'edr.find_host',
        ];
        return wanted.every((w) => spans.some(w)) ? spans : undefined;
      },
      'the trace to reach the collector',
      10_000,
    ).catch((err: Error) => {
      // Says what did arrive, so a broken link is named rather than only timed out.
      const seen = collector.spans().map((s) => `${s.traceId === traceId ? '*' : ' '} ${s.kind} ${s.name}`);
      throw new Error(`${err.message}; trace ${traceId}, spans received:\n${seen.join('\n')}`);
    });
    expect(collector.contentTypes().every((t) => t.startsWith('application/json'))).toBe(true);
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['cordon']));

    // Parent links, not just a shared id: request → start → workflow → … → activity → vendor call.
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const ancestors = (s: CollectedSpan): string[] => {
      const names: string[] = [];
      const parentOf = (span: CollectedSpan) =>
        span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
      for (let p = parentOf(s); p; p = parentOf(p)) names.push(p.name);
      return names;
    };
    const vendorCalls = trace.filter(
      (s) => s.kind === KIND.client && s.attributes['cordon.action'] === 'edr.find_host',
    );
    for (const call of vendorCalls) {
      // The OAuth token request (POST) and the device lookups (GET), all made for the action.
      expect(call.attributes).toMatchObject({
        'cordon.vendor': 'crowdstrike-falcon',
        'http.request.method': expect.stringMatching(/^(GET|POST)$/),
        'http.response.status_code': expect.any(Number),
      });
      expect(ancestors(call)).toEqual(
        expect.arrayContaining([
          'RunActivity:runAction',
          'RunWorkflow:playbookRunWorkflow',
          'StartWorkflow:playbookRunWorkflow',
          'POST /graphql',
        ]),
      );
      expect(ancestors(call).at(-1)).toBe('POST /graphql');
    }
    // The vendor saw the very span that recorded its call.
    expect(vendorCalls.map((s) => s.spanId)).toContain(traceparent!.split('-')[2]);
  });
});
