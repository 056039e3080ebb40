import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { graphqlClient } from './support/graphql-client';

/**
 * Subscriptions over graphql-ws: tenant-scoped, authenticated with the API key in the
 * connection parameters, and delivered only after the change commits.
 */
const ADMIN_KEY = 'cdn_subs_admin_key_0123456789abcdef';
const INGEST = `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { id caseId } } }`;

describe('subscriptions', () => {
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  const clients: Client[] = [];

  beforeAll(async () => {
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    gql = graphqlClient(cordon.graphqlUrl);
  });

  afterAll(async () => {
    for (const c of clients) void c.dispose();
    await cordon?.stop();
    await db?.drop();
  });

  function subscribe(key: string | undefined, query: string, variables: Record<string, unknown> = {}) {
    const client = createClient({
      url: cordon.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: key ? { authorization: `Bearer ${key}` } : {},
      retryAttempts: 0,
    });
    clients.push(client);
    return client.iterate({ query, variables });
  }

  it('refuses a subscription without a valid key', async () => {
    const it = subscribe(undefined, 'subscription { alertIngested { id } }');
    const first = await it.next();
    expect(first.value?.errors?.map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(first.value?.data ?? null).toBeNull();
  });

  it("delivers a tenant's new alerts and case changes, and nothing of another tenant", async () => {
    const tenant = await gql(
      `mutation { createTenant(input: { name: "other-customer" }) { id } }`,
      {},
      ADMIN_KEY,
    );
    const otherKey = (
      await gql(
        `mutation($t: ID) { createApiKey(input: { name: "b-admin", role: ADMIN, tenantId: $t }) { secret } }`,
        { t: tenant.data.createTenant.id },
        ADMIN_KEY,
      )
    ).data.createApiKey.secret as string;
    const viewer = (
      await gql(`mutation { createApiKey(input: { name: "dash", role: VIEWER }) { secret } }`, {}, ADMIN_KEY)
    ).data.createApiKey.secret as string;

    const alerts = subscribe(viewer, `subscription { alertIngested { id title caseId } }`);
    const first = alerts.next();
    // The server registers the subscription asynchronously: keep producing until it hears one,
    // polling with a deadline. Tenant B's alerts go first each round and must never arrive.
    const received = await until(first, async (n) => {
      await gql(
        INGEST,
        { input: [{ source: 'edr', sourceRef: `b-${n}`, title: 'Other tenant', severity: 'LOW' }] },
        otherKey,
      );
      await gql(
        INGEST,
        { input: [{ source: 'edr', sourceRef: `a-${n}`, title: 'Mine', severity: 'LOW' }] },
        ADMIN_KEY,
      );
    });
    const alert = received.value?.data?.alertIngested as { id: string; title: string; caseId: string };
    expect(alert.title).toBe('Mine');

    const changes = subscribe(
      viewer,
      `subscription($c: ID) { caseUpdated(caseId: $c) { id status assignee } }`,
      { c: alert.caseId },
    );
    const change = await until(changes.next(), async (n) => {
      await gql(
        `mutation($i: UpdateCaseInput!) { updateCase(input: $i) { id } }`,
        { i: { caseId: alert.caseId, status: 'INVESTIGATING', assignee: `apikey:analyst-${n}` } },
        ADMIN_KEY,
      );
    });
    expect(change.value?.data?.caseUpdated).toMatchObject({ id: alert.caseId, status: 'INVESTIGATING' });
  });

  it('announces a new alert exactly as reading it back returns it', async () => {
    // Built from what the ingest wrote, not read back: it must not differ from the stored row.
    const fields = `id source sourceRef title description severity status rule techniques caseId fingerprint
      duplicateCount detectedAt lastSeenAt createdAt raw observables { type value hashAlgorithm }`;
    const announced = subscribe(ADMIN_KEY, `subscription { alertIngested { ${fields} } }`);
    const received = await until(announced.next(), async (n) => {
      await gql(
        INGEST,
        {
          input: [
            {
              source: 'crowdstrike',
              sourceRef: `full-${n}`,
              rule: 'Credential dumping',
              title: 'LSASS read',
              description: 'procdump against lsass',
              severity: 'HIGH',
              techniques: ['T1003', 'T1003.001', 'T1003'],
              detectedAt: '2026-11-24T03:00:00.000Z',
              observables: [
                { type: 'IP', value: '203.0.113.7' },
                { type: 'HOSTNAME', value: ' WS-Full-01 ' },
                { type: 'FILE_HASH', value: 'D41D8CD98F00B204E9800998ECF8427E' },
              ],
              raw: { z: [1, 2.5, { y: null }], a: 'x', nested: { b: true, a: 'é' } },
            },
          ],
        },
        ADMIN_KEY,
      );
    });
    const alert = received.value?.data?.alertIngested as { id: string; techniques: string[] };
    expect(alert.techniques).toEqual(['T1003', 'T1003.001']);
    const stored = await gql(`query($id: ID!) { alert(id: $id) { ${fields} } }`, { id: alert.id }, ADMIN_KEY);
    expect(stored.errors).toBeUndefined();
    expect(alert).toEqual(stored.data.alert);
  });
});

/** Runs `produce` round after round until `event` settles, or fails after the deadline. */
async function until<T>(
  event: Promise<T>,
  produce: (round: number) => Promise<void>,
  deadlineMs = 30_000,
): Promise<T> {
  let settled: { value: T } | undefined;
  void event.then((value) => (settled = { value }));
  const deadline = Date.now() + deadlineMs;
  for (let round = 0; !settled; round++) {
    if (Date.now() > deadline) throw new Error('no subscription event before the deadline');
    await produce(round);
    await Promise.race([event, new Promise((r) => setTimeout(r, 200))]);
  }
  return settled.value;
}
