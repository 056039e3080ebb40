import { testDatabase } from '../test/support/cordon-process';
import {
  addDevices,
  closedLoop,
  ContainmentWaiter,
  FALCON_CREDENTIALS,
  openLoopSamples,
  overRounds,
  signedSender,
  startCordonJob,
  startFalcon,
  type OpenLoopSamples,
  type Samples,
  type SendAlert,
} from './containment-job';
import { installN8n, N8N_VERSION, startN8n } from './n8n';
import { treeCpuS } from './proc-cpu';
import { round } from './stats';
import { inTurns, turnOrder } from './turns';

const CONCURRENCY = 10;
const WARM_UP = 5;
/**
 * Untimed alerts at full concurrency before each timed round, for both systems: a round that
 * starts cold measures connection pools filling (each system's idles out while the other has
 * its turn) and the JIT compiling its hot paths under load, not the sustained rate. Without it,
 * Cordon's slowest alerts were its first seconds of each round.
 */
const ROUND_WARM_UP = 100;
/**
 * Latency at equal load: the closed loop runs each system at its own saturation, where p99 is
 * mostly queueing and the faster system takes more alerts at once; and n8n's webhook answers after
 * its last node, so its clients also wait out what it does after the call. Here both get the same
 * alerts/s, sent on schedule (below either's saturation on this machine), as a tool pushing alerts
 * sends them.
 */
const EQUAL_RATE = 10;
const EQUAL_SECONDS = 15;
/**
 * Before the first timed round, both systems must have been quiet this long (below QUIET_CORES
 * together, per second). n8n keeps working after it answers: measured alone, it burns a third
 * of a core for a second about 25 s and again 34 s after its start, which landed in the first
 * round (Cordon's) and held up the alerts in flight.
 */
const QUIET_S = 12;
const QUIET_CORES = 0.2;
const SETTLE_LIMIT_S = 120;
/** Both systems run side by side and take turns (see inTurns), half of each phase a round; the one waiting is idle. */
const SIDES = ['cordon', 'n8n'] as const;

interface System {
  tag: string;
  /** Its process: with its children (Temporal, n8n's task runner), what settle() watches. */
  pid: number;
  send: SendAlert;
  stop(): Promise<void>;
  output(): string;
}

/**
 * The same job through Cordon and through n8n on the same machine, the same PostgreSQL server
 * and the same Falcon fake: `n` signed CrowdStrike alert webhooks from 10 clients, each waiting
 * for its host's containment call at the fake before sending the next. ratio = Cordon per second
 * / n8n per second (above 1: Cordon is faster). Then, for each, the latency at the same offered
 * load (see EQUAL_RATE).
 */
export async function peerBench(args: { n: number }): Promise<Record<string, unknown>> {
  if (!process.env.DATABASE_URL) {
    throw new Error('peer: set DATABASE_URL — n8n runs on PostgreSQL, and Cordon runs on the same server');
  }
  await installN8n(); // outside any measurement
  const falcon = await startFalcon();
  const waiter = new ContainmentWaiter(falcon);
  const started: { system: System; drop(): Promise<void> }[] = [];
  let current: System | undefined;
  try {
    const cordon = await startSystem(started, 'CORDON', async (dbUrl) => {
      const job = await startCordonJob(falcon, dbUrl);
      return {
        pid: job.cordon.pid,
        send: job.send,
        stop: () => job.cordon.stop().then(() => undefined),
        output: job.cordon.output,
      };
    });
    const n8n = await startSystem(started, 'N8N', async (dbUrl) => {
      const token = await falconToken(falcon.url);
      const peer = await startN8n({ databaseUrl: dbUrl, falconUrl: falcon.url, token });
      // n8n has no node that checks Cordon's HMAC: it gets the same signed request and ignores the signature.
      return {
        pid: peer.pid,
        send: signedSender(peer.webhookUrl, 'n8n', 'unverified'),
        stop: peer.stop,
        output: peer.output,
      };
    });
    const systems = { cordon, n8n };
    /** A closed loop of `count` new devices through one system; `label` names them. */
    const loop = (system: System, label: string, count: number, concurrency = CONCURRENCY) =>
      closedLoop({
        devices: addDevices(falcon, `${system.tag}-${label.toUpperCase()}`, count),
        concurrency,
        send: system.send,
        waiter,
        tag: `${system.tag}-${label}`,
      });
    for (const system of [cordon, n8n]) {
      current = system;
      await loop(system, 'warm', WARM_UP, 1);
    }
    current = undefined;
    const settledS = await settle([cordon.pid, n8n.pid]);
    const closed = { cordon: [] as Samples[], n8n: [] as Samples[] };
    const equal = { cordon: [] as OpenLoopSamples[], n8n: [] as OpenLoopSamples[] };
    await inTurns(SIDES, args.n, async (turn, count, i) => {
      const system = (current = systems[turn]);
      await loop(system, `rw${i}`, ROUND_WARM_UP);
      closed[turn].push(await loop(system, `r${i}`, count));
    });
    await inTurns(SIDES, EQUAL_SECONDS, async (turn, seconds, i) => {
      const system = (current = systems[turn]);
      const offer = await openLoopSamples({
        devices: addDevices(falcon, `${system.tag}-EQ${i}`, EQUAL_RATE * seconds),
        rate: EQUAL_RATE,
        send: system.send,
        waiter,
        tag: `${system.tag}-eq${i}`,
        timeoutMs: 120_000,
      });
      if (offer.lost)
        throw new Error(`${offer.lost} alerts not contained at ${EQUAL_RATE}/s: ${offer.firstError}`);
      equal[turn].push(offer);
    });
    current = undefined;
    // Throughput: the rounds' alerts over their time; latency: see overRounds.
    const closedOf = (rounds: Samples[]) => ({
      per_s: round(
        rounds.reduce((n, r) => n + r.latencies.length, 0) / rounds.reduce((sum, r) => sum + r.seconds, 0),
      ),
      ...overRounds(rounds.map((r) => r.latencies)),
    });
    const c = closedOf(closed.cordon);
    const m = closedOf(closed.n8n);
    const ce = equalLoad(equal.cordon);
    const me = equalLoad(equal.n8n);
    return {
      name: 'peer',
      cordon_per_s: c.per_s,
      n8n_per_s: m.per_s,
      ratio: round(c.per_s / m.per_s, 2),
      cordon_p99_ms: c.p99_ms,
      n8n_p99_ms: m.p99_ms,
      cordon_p50_ms: c.p50_ms,
      n8n_p50_ms: m.p50_ms,
      cordon_round_p99_ms: c.round_p99_ms,
      n8n_round_p99_ms: m.round_p99_ms,
      equal_load_per_s: EQUAL_RATE,
      cordon_equal_load_p50_ms: ce.p50_ms,
      cordon_equal_load_p99_ms: ce.p99_ms,
      n8n_equal_load_p50_ms: me.p50_ms,
      n8n_equal_load_p99_ms: me.p99_ms,
      alerts: args.n,
      concurrency: CONCURRENCY,
      order: turnOrder(SIDES),
      n8n_version: N8N_VERSION,
      database: 'postgresql',
      settled_s: settledS,
    };
  } catch (err) {
    if (!current) throw err;
    throw new Error(
      `${current.tag}: ${(err as Error).message}\n--- output (tail) ---\n${current.output().slice(-3000)}`,
      { cause: err },
    );
  } finally {
    waiter.stop();
    for (const { system, drop } of started.reverse()) {
      await system.stop();
      await drop();
    }
    await falcon.stop();
  }
}

/**
 * Waits until the systems' processes have been quiet for QUIET_S seconds in a row (see there),
 * at most SETTLE_LIMIT_S; answers how long that took, in seconds.
 */
async function settle(pids: number[]): Promise<number> {
  const started = Date.now();
  let quiet = 0;
  let last = treeCpuS(pids);
  while (quiet < QUIET_S && Date.now() - started < SETTLE_LIMIT_S * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = treeCpuS(pids);
    quiet = now - last < QUIET_CORES ? quiet + 1 : 0;
    last = now;
  }
  return Math.round((Date.now() - started) / 1000);
}

/** A system on a database of its own, added to `started` (stopped and dropped by the caller). */
async function startSystem(
  started: { system: System; drop(): Promise<void> }[],
  tag: string,
  start: (databaseUrl: string) => Promise<Omit<System, 'tag'>>,
): Promise<System> {
  const db = await testDatabase();
  let system: System;
  try {
    system = { tag, ...(await start(db.url!)) };
  } catch (err) {
    await db.drop();
    throw new Error(`${tag}: ${(err as Error).message}`, { cause: err });
  }
  started.push({ system, drop: db.drop });
  return system;
}

/** Latency percentiles over the rounds of the equal-load offer. */
function equalLoad(rounds: OpenLoopSamples[]): { p50_ms: number; p99_ms: number } {
  return overRounds(rounds.map((r) => r.done.map((d) => d.latency)));
}

async function falconToken(falconUrl: string): Promise<string> {
  const res = await fetch(`${falconUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: FALCON_CREDENTIALS.clientId,
      client_secret: FALCON_CREDENTIALS.clientSecret,
    }),
  });
  if (!res.ok) throw new Error(`Falcon fake token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
