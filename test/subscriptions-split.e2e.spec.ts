import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { CordonProcess } from './support/cordon-process';
import { startSplitCordon, type SplitCordon } from './support/split-mode';
import { graphqlClient } from './support/graphql-client';

/**
 * Subscriptions when the API and the worker are separate processes (or the API has replicas):
 * what the worker records reaches the API's subscribers through PostgreSQL LISTEN/NOTIFY.
 * Needs a database server both processes share, so it runs on PostgreSQL (the CI run with
 * DATABASE_URL); embedded PGlite is one process by construction.
 */
const ADMIN_KEY = 'cdn_split_admin_key_0123456789abcdef';
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('subscriptions across processes', () => {
  let split: SplitCordon;
  let api: CordonProcess;
  const clients: Client[] = [];

  beforeAll(async () => {
    split = await startSplitCordon({
      CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY,
    });
    ({ api } = split);
  });

  afterAll(async () => {
    for (const c of clients) void c.dispose();
    await split?.stop();
  });

  it("delivers a run's progress recorded by the worker process to the API's subscribers", async () => {
    const client = createClient({
      url: api.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ADMIN_KEY}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const updates = client.iterate({
      query: 'subscription { playbookRunUpdated { id status steps { stepId status } } }',
    });
    // Subscribed before the alert: the first event must come from the worker's projection.
    await new Promise((r) => setTimeout(r, 500));
    const gql = graphqlClient(api.graphqlUrl);
    const ingest = await gql(
      `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { id caseId } } }`,
      {
        input: [
          {
            source: 'edr',
            title: 'split-process run',
            severity: 'HIGH',
            observables: [{ type: 'HOSTNAME', value: 'WS-SPLIT-01' }],
          },
        ],
      },
      ADMIN_KEY,
    );
    expect(ingest.errors).toBeUndefined();
    // No EDR is connected, so contain-host fails at its first step: a short, complete run.
    const seen: string[] = [];
    for (;;) {
      const next = await Promise.race([
        updates.next(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no final update; saw ${seen.join(', ')}`)), 60_000),
        ),
      ]);
      const run = next.value?.data?.playbookRunUpdated as { status: string } | undefined;
      if (!run) throw new Error(`subscription ended: ${JSON.stringify(next.value)}`);
      seen.push(run.status);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status)) break;
    }
    expect(seen[0]).toBe('RUNNING');
    expect(seen.at(-1)).toBe('FAILED');
  });
});
