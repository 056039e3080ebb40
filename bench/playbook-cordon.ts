import type { FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { eventually, type graphqlClient, type GraphqlResult } from '../test/support/graphql-client';
import type { RunTimings } from './run-timings';

type Gql = ReturnType<typeof graphqlClient>;

const BENCH_SOURCE = 'bench-playbook';
const PLAYBOOK_ID = 'bench-playbook';
const WARM_HOST = 'BENCH-WARM';
/** Sent one at a time after the warm-up, each once the previous run finished. */
const IDLE_ALERTS = 5;

/** Automated (no approval): find, contain, comment. Only alerts from the bench's source start it. */
const PLAYBOOK = `id: ${PLAYBOOK_ID}
name: Bench - contain a host without approval
description: Three actions against the EDR fake and the case, for npm run bench -- playbook.
trigger:
  event: alert.created
  when: source = "${BENCH_SOURCE}"
inputs:
  hostname: '{{ observables[type = "HOSTNAME"][0].value }}'
steps:
  - id: host
    action: edr.find_host
    with: { hostname: '{{ inputs.hostname }}' }
  - id: isolate
    action: edr.isolate_host
    with: { host_id: '{{ steps.host.output.host_id }}', comment: 'Cordon bench, case {{ case.number }}' }
  - id: note
    action: case.add_comment
    with: { text: 'Contained {{ steps.host.output.hostname }} (bench)' }
`;

const INGEST = `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { created alerts { id } } }`;
const COUNTS = `{ done: playbookRuns(status: SUCCEEDED, first: 1) { totalCount }
  failed: playbookRuns(status: FAILED, first: 1) { totalCount edges { node { id error steps { stepId error } } } } }`;
const LATEST = `{ playbookRuns(first: 3) { totalCount edges { node { playbookId status error steps { stepId status error } } } } }`;
const RUNS = `query($after: String) { playbookRuns(status: SUCCEEDED, first: 200, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { alertId playbookId createdAt startedAt finishedAt } } } }`;

interface RunNode {
  alertId: string;
  playbookId: string;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
}

interface RunsPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: RunNode }[];
}

function must<T>(res: GraphqlResult<T>, what: string): T {
  if (res.errors || res.data === undefined) throw new Error(`${what} failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** A Falcon connection to the fake bound to `edr`, and a bench playbook saved (hence active). */
export async function configureCordon(
  gql: Gql,
  key: string,
  falcon: { url: string; clientId: string; clientSecret: string },
  playbook = PLAYBOOK,
): Promise<void> {
  const conn = must(
    await gql(
      `mutation($input: UpsertConnectionInput!) { upsertConnection(input: $input) { id } }`,
      {
        input: {
          integrationId: 'crowdstrike-falcon',
          name: 'falcon-bench',
          settings: { baseUrl: falcon.url },
          secrets: { clientId: falcon.clientId, clientSecret: falcon.clientSecret },
        },
      },
      key,
    ),
    'upsertConnection',
  );
  must(
    await gql(
      `mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability } }`,
      { input: { capability: 'edr', connectionId: conn.upsertConnection.id } },
      key,
    ),
    'bindCapability',
  );
  must(
    await gql(
      `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`,
      { input: { source: playbook } },
      key,
    ),
    'savePlaybook',
  );
}

function hostAlert(hostname: string, ref: string) {
  // LOW: the shipped playbooks (contain-host wants HIGH/CRITICAL) leave these alone.
  return {
    source: BENCH_SOURCE,
    sourceRef: ref,
    title: `Bench detection on ${hostname}`,
    severity: 'LOW',
    observables: [{ type: 'HOSTNAME', value: hostname }],
  };
}

/** Waits until `expected` runs have succeeded; any failed run ends the bench with its error. */
async function succeeded(gql: Gql, key: string, expected: number, timeoutMs: number): Promise<void> {
  try {
    await eventually(
      async () => {
        const data = must(await gql(COUNTS, {}, key), 'playbookRuns');
        if (data.failed.totalCount > 0)
          throw new Error(`a bench run failed: ${JSON.stringify(data.failed.edges[0].node)}`);
        return data.done.totalCount >= expected ? true : undefined;
      },
      `${expected} succeeded runs`,
      timeoutMs,
    );
  } catch (err) {
    const latest = await gql(LATEST, {}, key);
    throw new Error(
      `${(err as Error).message}; latest runs: ${JSON.stringify(latest.data ?? latest.errors)}`,
      { cause: err },
    );
  }
}

export interface CordonMeasurement {
  /** One entry per round. */
  rounds: RunTimings[];
  /** Alert sent → its host's contain call at the fake, per measured alert. */
  containmentMs: number[];
  /** The same for alerts sent one at a time to an otherwise idle Cordon. */
  idleContainmentMs: number[];
  /** Run row created → its start recorded (by the dispatcher, once Temporal took the run). */
  queuedMs: number[];
}

export interface CordonSide {
  /** Sends the next `count` hosts' alerts in batches and waits until their runs succeeded. */
  round(count: number): Promise<void>;
  /** Every round's runs, timed by their rows, and each containment by the fake's clock. */
  measurement(): Promise<CordonMeasurement>;
}

/**
 * One warm-up alert and a few alerts one at a time (containment latency without a backlog), then
 * rounds that take the next hosts BENCH-0001… up to `n`.
 */
export async function startCordonSide(args: {
  gql: Gql;
  key: string;
  falcon: FalconFake;
  n: number;
  batch: number;
}): Promise<CordonSide> {
  const { gql, key, falcon, n } = args;
  const name = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(4, '0')}`);
  const hosts = name('BENCH-', n);
  const idleHosts = name('BENCH-IDLE-', IDLE_ALERTS);
  const hostByDevice = new Map(
    [WARM_HOST, ...idleHosts, ...hosts].map((h) => [falcon.addDevice({ hostname: h }).device_id, h]),
  );
  const stamp = Date.now();
  const sentAt = new Map<string, number>();
  const send = async (batch: string[]): Promise<string[]> => {
    const now = Date.now();
    for (const h of batch) sentAt.set(h, now);
    const res = must(
      await gql(INGEST, { input: batch.map((h) => hostAlert(h, `${h}-${stamp}`)) }, key),
      'ingest',
    );
    if (res.ingestAlerts.created !== batch.length)
      throw new Error(`ingest created ${res.ingestAlerts.created}/${batch.length}`);
    return res.ingestAlerts.alerts.map((a: { id: string }) => a.id);
  };

  let expected = 0;
  for (const host of [WARM_HOST, ...idleHosts]) {
    await send([host]);
    await succeeded(gql, key, ++expected, 60_000);
  }

  let next = 0;
  const roundOf = new Map<string, number>();
  const firstSentAt: number[] = [];
  return {
    async round(count) {
      const round = firstSentAt.length;
      const taken = hosts.slice(next, next + count);
      if (taken.length !== count) throw new Error(`only ${hosts.length - next} bench hosts left`);
      next += count;
      firstSentAt.push(Date.now());
      for (let i = 0; i < count; i += args.batch) {
        for (const id of await send(taken.slice(i, i + args.batch))) roundOf.set(id, round);
      }
      expected += count;
      await succeeded(gql, key, expected, 60_000 + count * 2_000);
    },
    async measurement() {
      const rows = (await succeededRuns(gql, key)).filter(
        (r) => r.playbookId === PLAYBOOK_ID && roundOf.has(r.alertId),
      );
      if (rows.length !== roundOf.size)
        throw new Error(`expected ${roundOf.size} bench runs, found ${rows.length}`);
      const rounds: RunTimings[] = firstSentAt.map((at) => ({ firstSentAt: at, runs: [] }));
      for (const r of rows)
        rounds[roundOf.get(r.alertId)!].runs.push({
          startedAt: Date.parse(r.createdAt),
          finishedAt: Date.parse(r.finishedAt),
        });
      const contained = firstContainment(falcon, hostByDevice);
      const latency = (host: string) => {
        const at = contained.get(host);
        if (at === undefined) throw new Error(`${host} was never contained at the fake`);
        return at - sentAt.get(host)!;
      };
      return {
        rounds,
        containmentMs: hosts.slice(0, next).map(latency),
        idleContainmentMs: idleHosts.map(latency),
        queuedMs: rows.map((r) => Date.parse(r.startedAt) - Date.parse(r.createdAt)),
      };
    },
  };
}

async function succeededRuns(gql: Gql, key: string): Promise<RunNode[]> {
  const nodes: RunNode[] = [];
  for (let after: string | null = null; ;) {
    const page: RunsPage = must(await gql(RUNS, { after }, key), 'playbookRuns').playbookRuns;
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

/** When the fake first received a contain request for each host (by its device id). */
function firstContainment(falcon: FalconFake, hostByDevice: Map<string, string>): Map<string, number> {
  const first = new Map<string, number>();
  for (const call of falcon.calls) {
    const url = new URL(call.path, 'http://fake');
    if (call.method !== 'POST' || url.pathname !== '/devices/entities/devices-actions/v2') continue;
    if (url.searchParams.get('action_name') !== 'contain') continue;
    const host = hostByDevice.get((call.body as { ids?: string[] })?.ids?.[0] ?? '');
    if (host && !first.has(host)) first.set(host, call.at);
  }
  return first;
}
