import { startCordon, testDatabase } from '../test/support/cordon-process';
import { graphqlClient } from '../test/support/graphql-client';
import { generateAlerts } from './alert-generator';
import { percentile, round } from './stats';

const KEY = 'cdn_bench_admin_key_0123456789abcdef';
const CONCURRENCY = 16;

/** `alerts(first: 50)` with nested observables, from many concurrent clients: requests/s and p99. */
export async function listBench(args: { n: number }): Promise<Record<string, unknown>> {
  const db = await testDatabase();
  const cordon = await startCordon({
    env: { CORDON_BOOTSTRAP_API_KEY: KEY, DATABASE_URL: db.url, LOG_LEVEL: 'error' },
  });
  try {
    const gql = graphqlClient(cordon.graphqlUrl);
    // LOW alerts trigger no playbook: the database holds alerts, not a backlog of runs.
    const alerts = [...generateAlerts(5000, 0)].map((a) => ({ ...a, severity: 'LOW' as const }));
    const ingest = `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { created } }`;
    for (let i = 0; i < alerts.length; i += 500) await gql(ingest, { input: alerts.slice(i, i + 500) }, KEY);
    const query = `{ alerts(first: 50) { totalCount edges { cursor node { id title severity caseId observables { type value } } } } }`;
    for (let i = 0; i < 20; i++) await gql(query, {}, KEY);
    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < args.n) {
          const t = process.hrtime.bigint();
          const res = await gql(query, {}, KEY);
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
          if (res.errors || res.data?.alerts?.edges?.length !== 50) failures++;
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    latencies.sort((a, b) => a - b);
    return {
      name: 'list',
      requests: latencies.length,
      concurrency: CONCURRENCY,
      failures,
      database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
      req_per_s: round(latencies.length / seconds),
      p50_ms: round(percentile(latencies, 50)),
      p99_ms: round(percentile(latencies, 99)),
    };
  } finally {
    await cordon.stop();
    await db.drop();
  }
}
