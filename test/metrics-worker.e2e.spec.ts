import type { CordonProcess } from './support/cordon-process';
import { startSplitCordon, type SplitCordon } from './support/split-mode';
import { eventually, graphqlClient } from './support/graphql-client';
import { scrape, valueOf } from './support/prometheus';

/**
 * Split mode: the worker process has no HTTP server, so it serves /metrics on its own listener
 * (CORDON_METRICS_PORT), and what happens in it (run projections, Temporal slots) is scraped
 * there; a run's start is counted once, by whichever process recorded it. Needs a database server both processes share, so it runs on PostgreSQL (the CI run with
 * DATABASE_URL); embedded PGlite serves one process. The listener alone is covered on every run
 * by src/metrics/metrics-listener.spec.ts.
 */
const ADMIN_KEY = 'cdn_metrics_split_admin_0123456789ab';
const TOKEN = 'split-scrape-token-0123456789';
const PLAYBOOK = 'metrics-split';
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('metrics in split mode', () => {
  let split: SplitCordon;
  let api: CordonProcess;
  let worker: CordonProcess;

  beforeAll(async () => {
    split = await startSplitCordon({
      CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY,
      CORDON_METRICS_TOKEN: TOKEN,
      CORDON_METRICS_PORT: '0',
    });
    ({ api, worker } = split);
  });

  afterAll(async () => {
    await split?.stop();
  });

  it("serves the worker's own metrics on its listener, behind the token", async () => {
    const url = /\[cordon\] metrics: (http:\/\/\S+)/.exec(worker.output())?.[1];
    expect(url).toMatch(/^http:\/\/[^/]+:\d+\/metrics$/);
    expect((await fetch(url!)).status).toBe(401);

    const gql = graphqlClient(api.graphqlUrl);
    const saved = await gql(
      `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`,
      {
        input: {
          source: `
id: ${PLAYBOOK}
name: Metrics split
trigger: { event: manual }
steps:
  - id: note
    set: { done: true }
`,
        },
      },
      ADMIN_KEY,
    );
    expect(saved.errors).toBeUndefined();
    const started = await gql(
      `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id } } }`,
      { input: { playbookId: PLAYBOOK } },
      ADMIN_KEY,
    );
    expect(started.errors).toBeUndefined();
    const runId: string = started.data.runPlaybook.run.id;
    await eventually(async () => {
      const res = await gql(`query($id: ID!) { playbookRun(id: $id) { status } }`, { id: runId }, ADMIN_KEY);
      return res.data?.playbookRun?.status === 'SUCCEEDED' ? true : undefined;
    }, 'the run to succeed');

    // Counted where it happened: the run's finish in the worker's projections, scraped from the
    // worker; its start where it was recorded (below).
    const fromWorker = (await scrape(url!, TOKEN)).samples;
    expect(
      valueOf(fromWorker, 'cordon_playbook_runs_total', { playbook: PLAYBOOK, status: 'succeeded' }),
    ).toBe(1);
    expect(fromWorker.some((s) => s.name === 'cordon_temporal_worker_slots_in_use')).toBe(true);
    expect(valueOf(fromWorker, 'cordon_process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // The API process has no worker: no slots there, and the run is counted once in all. Its
    // start is counted by the API's dispatcher, or by the worker's finish when that came first.
    const fromApi = (await scrape(`${api.url}/metrics`, TOKEN)).samples;
    expect(fromApi.some((s) => s.name === 'cordon_temporal_worker_slots_in_use')).toBe(false);
    const startLabels = { playbook: PLAYBOOK, status: 'started' };
    expect(
      valueOf(fromApi, 'cordon_playbook_runs_total', startLabels) +
        valueOf(fromWorker, 'cordon_playbook_runs_total', startLabels),
    ).toBe(1);
    expect(valueOf(fromApi, 'cordon_playbook_runs_total', { playbook: PLAYBOOK, status: 'succeeded' })).toBe(
      0,
    );
  });
});
