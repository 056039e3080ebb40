import { createFalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { startCordon, testDatabase } from '../test/support/cordon-process';
import { graphqlClient } from '../test/support/graphql-client';
import { percentile, round } from './stats';

const KEY = 'cdn_bench_approval_admin_0123456789ab';
/** Decisions timed; they come on top of the M runs, so M runs wait throughout. */
const SAMPLES = 200;
const START_CONCURRENCY = 16;

const PLAYBOOK = `
id: bench-approval
name: Bench approval
trigger: { event: manual }
inputs:
  host_id: none
steps:
  - id: approve
    approval:
      prompt: 'Contain {{ inputs.host_id }}?'
      approvers: { roles: [responder] }
      timeout: 4h
      on_timeout: reject
  - id: isolate
    if: '{{ steps.approve.decision = "approved" }}'
    action: edr.isolate_host
    with: { host_id: '{{ inputs.host_id }}' }
`;

/**
 * With M runs waiting on approvals, the time from sending `decideApproval` to the approved
 * action's call arriving at the vendor fake (the fake stamps each call with `at`), one decision
 * at a time: Temporal update and validator, the decision's projection, the step record, the
 * action activity and its vendor call.
 */
export async function approvalBench(args: { n: number }): Promise<Record<string, unknown>> {
  const waiting = args.n;
  const total = waiting + SAMPLES;
  const falcon = createFalconFake({ clientId: 'falcon-id', clientSecret: 'falcon-secret', devices: [] });
  await falcon.start(0);
  const db = await testDatabase();
  const cordon = await startCordon({
    env: {
      CORDON_BOOTSTRAP_API_KEY: KEY,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'error',
      // Latency, not throttling, is measured: one key starts and decides every run.
      CORDON_RATE_LIMIT_APPROVALS: '0',
      CORDON_RATE_LIMIT_MUTATIONS: '0',
    },
  });
  try {
    const gql = graphqlClient(cordon.graphqlUrl);
    const must = async (query: string, variables: Record<string, unknown>, key = KEY) => {
      const res = await gql(query, variables, key);
      if (res.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(res.errors)}`);
      return res.data;
    };
    const responder = (
      await must(
        `mutation { createApiKey(input: { name: "bench-responder", role: RESPONDER }) { secret } }`,
        {},
      )
    ).createApiKey.secret as string;
    const conn = await must(
      `mutation($input: UpsertConnectionInput!) { upsertConnection(input: $input) { id } }`,
      {
        input: {
          integrationId: 'crowdstrike-falcon',
          name: 'falcon',
          settings: { baseUrl: falcon.url },
          secrets: { clientId: 'falcon-id', clientSecret: 'falcon-secret' },
        },
      },
    );
    await must(`mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability } }`, {
      input: { capability: 'edr', connectionId: conn.upsertConnection.id },
    });
    await must(`mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`, {
      input: { source: PLAYBOOK },
    });

    // M + samples runs, each waiting on its own approval for its own host.
    const hosts = Array.from(
      { length: total },
      (_, i) => falcon.addDevice({ hostname: `BENCH-${i}` }).device_id,
    );
    const runIds: string[] = new Array<string>(total);
    let next = 0;
    const startedAt = Date.now();
    await Promise.all(
      Array.from({ length: START_CONCURRENCY }, async () => {
        while (next < total) {
          const i = next++;
          const data = await must(
            `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id } } }`,
            {
              input: { playbookId: 'bench-approval', inputs: { host_id: hosts[i] }, requestId: `bench-${i}` },
            },
          );
          runIds[i] = data.runPlaybook.run.id;
        }
      }),
    );
    const approvalIds = new Map<string, string>();
    for (const deadline = Date.now() + 600_000; approvalIds.size < total;) {
      if (Date.now() > deadline) throw new Error(`only ${approvalIds.size} of ${total} approvals opened`);
      let after: string | null = null;
      do {
        const data = await must(
          `query($after: String) { approvals(filter: { status: PENDING }, first: 200, after: $after) {
             edges { node { id runId } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        for (const e of data.approvals.edges) approvalIds.set(e.node.runId, e.node.id);
        after = data.approvals.pageInfo.hasNextPage ? data.approvals.pageInfo.endCursor : null;
      } while (after);
      if (approvalIds.size < total) await sleep(500);
    }
    const setupSeconds = (Date.now() - startedAt) / 1000;

    // The samples are the last runs started; the first M keep waiting.
    const latencies: number[] = [];
    let failures = 0;
    const reasons = new Map<string, number>();
    const failed = (why: string) => {
      failures++;
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
    };
    for (let i = waiting; i < total; i++) {
      const hostId = hosts[i];
      const t0 = Date.now();
      const res = await gql(
        `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { status } }`,
        { input: { approvalId: approvalIds.get(runIds[i]), decision: 'APPROVE' } },
        responder,
      );
      if (res.errors || res.data?.decideApproval?.status !== 'APPROVED') {
        failed(res.errors?.[0]?.message ?? `status ${String(res.data?.decideApproval?.status)}`);
        continue;
      }
      const call = await containCall(falcon, hostId, 30_000);
      if (!call) failed('no containment call within 30 s');
      else latencies.push(call.at - t0);
    }
    latencies.sort((a, b) => a - b);
    return {
      name: 'approval',
      p50_ms: round(percentile(latencies, 50)),
      p99_ms: round(percentile(latencies, 99)),
      max_ms: round(latencies.at(-1) ?? NaN),
      waiting_runs: waiting,
      samples: latencies.length,
      failures,
      ...(reasons.size ? { failure_reasons: Object.fromEntries(reasons) } : {}),
      setup_s: round(setupSeconds),
      database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
    };
  } finally {
    await cordon.stop();
    await falcon.stop();
    await db.drop();
  }
}

async function containCall(
  falcon: ReturnType<typeof createFalconFake>,
  hostId: string,
  timeoutMs: number,
): Promise<{ at: number } | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const call = falcon.calls.find(
      (c) =>
        c.method === 'POST' &&
        c.path.includes('action_name=contain') &&
        JSON.stringify(c.body).includes(hostId),
    );
    if (call) return call;
    await sleep(2);
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
