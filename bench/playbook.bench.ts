import { createFalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { startCordon, testDatabase, type CordonProcess } from '../test/support/cordon-process';
import { eventually, graphqlClient } from '../test/support/graphql-client';
import { startBare, type BareSide } from './bare-runs';
import { configureCordon, startCordonSide } from './playbook-cordon';
import { summarize, type RunTimings } from './run-timings';
import { inTurns, turnOrder } from './turns';
import { percentile, round } from './stats';

const KEY = 'cdn_bench_admin_key_0123456789abcdef';
const BATCH = 25;
const FALCON = { clientId: 'bench-falcon-id', clientSecret: 'bench-falcon-secret' };
/** The sides take turns (see inTurns), half of the runs a round. */
const SIDES = ['cordon', 'bare'] as const;

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
 * the same way (`n` runs each, in rounds; see SIDES); `ratio` = bare / Cordon. Also alert sent →
 * containment call at the fake.
 */
export async function playbookBench(args: { n: number }): Promise<Record<string, unknown>> {
  const falcon = createFalconFake(FALCON);
  await falcon.start(0);
  const db = await testDatabase();
  let cordon: CordonProcess | undefined;
  let bareSide: BareSide | undefined;
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
    const side = await startCordonSide({ gql, key: KEY, falcon, n: args.n, batch: BATCH });
    // Printed just after the ready line, so it may trail it by a moment.
    const address = await eventually(
      async () => cordon?.temporalAddress() ?? undefined,
      "Cordon's Temporal address",
      10_000,
    );
    const floor = (bareSide = await startBare({ address, batch: BATCH }));
    const bareRounds: RunTimings[] = [];
    await inTurns(SIDES, args.n, async (turn, count) => {
      if (turn === 'cordon') await side.round(count);
      else bareRounds.push(await floor.round(count));
    });
    const measured = await side.measurement();
    const bare = summarize(bareRounds);
    const ours = summarize(measured.rounds);
    return {
      name: 'playbook',
      runs: args.n,
      batch: BATCH,
      order: turnOrder(SIDES),
      database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
      runs_per_s: round(ours.runsPerS),
      bare_runs_per_s: round(bare.runsPerS),
      ratio: round(bare.runsPerS / ours.runsPerS, 2),
      p50_ms: ours.p50,
      p99_ms: ours.p99,
      bare_p50_ms: bare.p50,
      bare_p99_ms: bare.p99,
      containment_p50_ms: pct(measured.containmentMs, 50),
      containment_p99_ms: pct(measured.containmentMs, 99),
      idle_containment_p50_ms: pct(measured.idleContainmentMs, 50),
      queued_p50_ms: pct(measured.queuedMs, 50),
    };
  } catch (err) {
    const tail = cordon?.output().slice(-3000);
    if (!tail) throw err;
    throw new Error(`${(err as Error).message}\n--- Cordon output (tail) ---\n${tail}`, { cause: err });
  } finally {
    await bareSide?.stop();
    await cordon?.stop();
    await falcon.stop();
    await db.drop();
  }
}
