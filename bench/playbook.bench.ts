import { createFalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { startCordon, testDatabase, type CordonProcess } from '../test/support/cordon-process';
import { eventually, graphqlClient } from '../test/support/graphql-client';
import { measureBare } from './bare-runs';
import { configureCordon, measureCordon } from './playbook-cordon';
import { summarize } from './run-timings';
import { percentile, round } from './stats';

const KEY = 'cdn_bench_admin_key_0123456789abcdef';
const BATCH = 25;
const FALCON = { clientId: 'bench-falcon-id', clientSecret: 'bench-falcon-secret' };

const pct = (xs: number[], p: number) =>
  round(
    percentile(
      [...xs].sort((a, b) => a - b),
      p,
    ),
  );

/**
 * Runs/s of an automated 3-action playbook (alert in → find, contain, comment against the Falcon
 * fake) against bare Temporal workflows calling 3 no-op activities on the same dev server, offered
 * the same way; `ratio` = bare / Cordon. Also alert sent → containment call at the fake.
 */
export async function playbookBench(args: { n: number }): Promise<Record<string, unknown>> {
  const falcon = createFalconFake(FALCON);
  await falcon.start(0);
  const db = await testDatabase();
  let cordon: CordonProcess | undefined;
  try {
    cordon = await startCordon({
      env: {
        CORDON_BOOTSTRAP_API_KEY: KEY,
        DATABASE_URL: db.url,
        LOG_LEVEL: 'error',
        // The Falcon fake listens on loopback, which connections may not reach by default.
        CORDON_CONNECTION_ALLOWLIST: '127.0.0.1',
      },
    });
    const gql = graphqlClient(cordon.graphqlUrl);
    await configureCordon(gql, KEY, { url: falcon.url, ...FALCON });
    const side = await measureCordon({ gql, key: KEY, falcon, n: args.n, batch: BATCH });
    // Printed just after the ready line, so it may trail it by a moment.
    const address = await eventually(
      async () => cordon?.temporalAddress() ?? undefined,
      "Cordon's Temporal address",
      10_000,
    );
    const bare = summarize(await measureBare({ address, n: args.n, batch: BATCH }));
    const ours = summarize(side.timings);
    return {
      name: 'playbook',
      runs: args.n,
      batch: BATCH,
      database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
      runs_per_s: round(ours.runsPerS),
      bare_runs_per_s: round(bare.runsPerS),
      ratio: round(bare.runsPerS / ours.runsPerS, 2),
      p50_ms: ours.p50,
      p99_ms: ours.p99,
      bare_p50_ms: bare.p50,
      bare_p99_ms: bare.p99,
      containment_p50_ms: pct(side.containmentMs, 50),
      containment_p99_ms: pct(side.containmentMs, 99),
      idle_containment_p50_ms: pct(side.idleContainmentMs, 50),
      queued_p50_ms: pct(side.queuedMs, 50),
    };
  } catch (err) {
    const tail = cordon?.output().slice(-3000);
    if (!tail) throw err;
    throw new Error(`${(err as Error).message}\n--- Cordon output (tail) ---\n${tail}`, { cause: err });
  } finally {
    await cordon?.stop();
    await falcon.stop();
    await db.drop();
  }
}
