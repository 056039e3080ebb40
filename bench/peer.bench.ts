import { testDatabase } from '../test/support/cordon-process';
import {
  addDevices,
  closedLoop,
  ContainmentWaiter,
  FALCON_CREDENTIALS,
  openLoop,
  signedSender,
  startCordonJob,
  startFalcon,
  type LoadResult,
  type OpenLoopResult,
  type SendAlert,
} from './containment-job';
import { installN8n, N8N_VERSION, startN8n } from './n8n';
import { round } from './stats';

const CONCURRENCY = 10;
const WARM_UP = 5;
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
 * The same job through Cordon and through n8n, one after the other on the same machine, the same
 * PostgreSQL server and the same Falcon fake: `n` signed CrowdStrike alert webhooks from 10
 * clients, each waiting for its host's containment call at the fake before sending the next.
 * ratio = Cordon per second / n8n per second (above 1: Cordon is faster). Then, for each, the
 * latency at the same offered load (see EQUAL_RATE).
 */
export async function peerBench(args: { n: number }): Promise<Record<string, unknown>> {
  if (!process.env.DATABASE_URL) {
    throw new Error('peer: set DATABASE_URL — n8n runs on PostgreSQL, and Cordon runs on the same server');
  }
  await installN8n(); // outside any measurement
  const falcon = await startFalcon();
  const waiter = new ContainmentWaiter(falcon);
  try {
    const cordon = await measure('CORDON', args.n, waiter, falcon, async (dbUrl) => {
      const job = await startCordonJob(falcon, dbUrl);
      return {
        send: job.send,
        stop: () => job.cordon.stop().then(() => undefined),
        output: job.cordon.output,
      };
    });
    const n8n = await measure('N8N', args.n, waiter, falcon, async (dbUrl) => {
      const token = await falconToken(falcon.url);
      const peer = await startN8n({ databaseUrl: dbUrl, falconUrl: falcon.url, token });
      // n8n has no node that checks Cordon's HMAC: it gets the same signed request and ignores the signature.
      return {
        send: signedSender(peer.webhookUrl, 'n8n', 'unverified'),
        stop: peer.stop,
        output: peer.output,
      };
    });
    return {
      name: 'peer',
      cordon_per_s: cordon.per_s,
      n8n_per_s: n8n.per_s,
      ratio: round(cordon.per_s / n8n.per_s, 2),
      cordon_p99_ms: cordon.p99_ms,
      n8n_p99_ms: n8n.p99_ms,
      cordon_p50_ms: cordon.p50_ms,
      n8n_p50_ms: n8n.p50_ms,
      equal_load_per_s: EQUAL_RATE,
      cordon_equal_load_p50_ms: cordon.equal.p50_ms,
      cordon_equal_load_p99_ms: cordon.equal.p99_ms,
      n8n_equal_load_p50_ms: n8n.equal.p50_ms,
      n8n_equal_load_p99_ms: n8n.equal.p99_ms,
      alerts: args.n,
      concurrency: CONCURRENCY,
      n8n_version: N8N_VERSION,
      database: 'postgresql',
    };
  } finally {
    waiter.stop();
    await falcon.stop();
  }
}

async function measure(
  tag: string,
  n: number,
  waiter: ContainmentWaiter,
  falcon: Parameters<typeof addDevices>[0],
  start: (databaseUrl: string) => Promise<{ send: SendAlert; stop(): Promise<void>; output(): string }>,
): Promise<LoadResult & { equal: OpenLoopResult }> {
  const db = await testDatabase();
  const system = await start(db.url!);
  try {
    await closedLoop({
      devices: addDevices(falcon, `${tag}-WARM`, WARM_UP),
      concurrency: 1,
      send: system.send,
      waiter,
      tag: `${tag}-warm`,
    });
    const closed = await closedLoop({
      devices: addDevices(falcon, tag, n),
      concurrency: CONCURRENCY,
      send: system.send,
      waiter,
      tag,
    });
    const equal = await openLoop({
      devices: addDevices(falcon, `${tag}-EQ`, EQUAL_RATE * EQUAL_SECONDS),
      rate: EQUAL_RATE,
      send: system.send,
      waiter,
      tag: `${tag}-eq`,
      timeoutMs: 120_000,
    });
    if (equal.lost)
      throw new Error(`${equal.lost} alerts not contained at ${EQUAL_RATE}/s: ${equal.first_error}`);
    return { ...closed, equal };
  } catch (err) {
    throw new Error(
      `${tag}: ${(err as Error).message}\n--- output (tail) ---\n${system.output().slice(-3000)}`,
      {
        cause: err,
      },
    );
  } finally {
    await system.stop();
    await db.drop();
  }
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
