import { createFalconFake, type FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { signWebhook } from '../src/webhooks/webhook-signature';
import { startCordon, type CordonProcess } from '../test/support/cordon-process';
import { graphqlClient } from '../test/support/graphql-client';
import { configureCordon } from './playbook-cordon';
import { percentile, round } from './stats';

/**
 * The job the `e2e` and `peer` benches share: a signed CrowdStrike alert webhook that leads to a
 * containment call at the Falcon fake. Latency is measured the same way whoever runs the job:
 * from sending the webhook to the fake receiving `contain` for that alert's device.
 */
export const FALCON_CREDENTIALS = { clientId: 'bench-falcon-id', clientSecret: 'bench-falcon-secret' };
const KEY = 'cdn_bench_admin_key_0123456789abcdef';
const SOURCE = 'crowdstrike';

/**
 * Automated containment of the alert's host (no approval), by the id Falcon gave the device in
 * the alert, as n8n's workflow does: one containment call, no lookup by name.
 */
const PLAYBOOK = `id: bench-webhook-containment
name: Bench - contain the host of a CrowdStrike alert
description: npm run bench -- e2e / peer. LOW alerts only, so the shipped playbooks leave them alone.
trigger:
  event: alert.created
  when: source = "${SOURCE}" and severity = "LOW"
inputs:
  host_id: '{{ observables[type = "HOST_ID"][0].value }}'
steps:
  - id: isolate
    action: edr.isolate_host
    with: { host_id: '{{ inputs.host_id }}', comment: 'Cordon bench' }
`;

export interface Device {
  id: string;
  hostname: string;
}

/** A Falcon Alerts API v2 body for one device, LOW severity, unique per call. */
export function alertBody(device: Device, ref: string): string {
  return JSON.stringify({
    composite_id: `bench:ind:${device.id}:${ref}`,
    display_name: 'Bench detection',
    description: 'Synthetic detection for the containment benchmark.',
    severity: 20,
    severity_name: 'Low',
    created_timestamp: new Date().toISOString(),
    device: { device_id: device.id, hostname: device.hostname },
  });
}

/** Fires `onContained(deviceId, at)` once per device the first time the fake is asked to contain it. */
export function watchContainments(falcon: FalconFake, onContained: (deviceId: string, at: number) => void) {
  let seen = 0;
  const contained = new Set<string>();
  const timer = setInterval(() => {
    const calls = falcon.calls;
    for (; seen < calls.length; seen++) {
      const call = calls[seen];
      const url = new URL(call.path, 'http://fake');
      if (call.method !== 'POST' || url.pathname !== '/devices/entities/devices-actions/v2') continue;
      if (url.searchParams.get('action_name') !== 'contain') continue;
      for (const id of (call.body as { ids?: string[] })?.ids ?? []) {
        if (contained.has(id)) continue;
        contained.add(id);
        onContained(id, call.at);
      }
    }
  }, 2);
  return { stop: () => clearInterval(timer) };
}

/** Waits for containments by device id; `wait(id)` resolves with the fake's receive time. */
export class ContainmentWaiter {
  private readonly done = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();
  private readonly watcher: { stop(): void };

  constructor(falcon: FalconFake) {
    this.watcher = watchContainments(falcon, (id, at) => {
      this.done.set(id, at);
      this.waiting.get(id)?.(at);
      this.waiting.delete(id);
    });
  }

  wait(deviceId: string, timeoutMs: number): Promise<number> {
    const at = this.done.get(deviceId);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(deviceId);
        reject(new Error(`device ${deviceId} was not contained within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(deviceId, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }

  stop(): void {
    this.watcher.stop();
  }
}

/** Sends one alert for a device and resolves once its response is read (status must be 2xx). */
export type SendAlert = (device: Device, ref: string) => Promise<void>;

export interface LoadResult {
  completed: number;
  per_s: number;
  p50_ms: number;
  p99_ms: number;
}

export function latencySummary(latencies: number[], seconds: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    completed: latencies.length,
    per_s: round(latencies.length / seconds),
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
  };
}

/** Send → containment latencies, and how long the offer took (first send → last containment). */
export interface Samples {
  latencies: number[];
  seconds: number;
}

/**
 * One side's latency over its rounds: p50 and p99 the mean of each round's own, and each
 * round's p99. A percentile of the rounds pooled is no average over them: a round at a slower
 * moment of the machine fills the pooled tail, so the side whose rounds lie further apart in
 * time (the outer one of A–B–B–A) showed the longer tail for it. The turn order balances a
 * drift for what is averaged over rounds, as throughput is.
 */
export function overRounds(rounds: number[][]): { p50_ms: number; p99_ms: number; round_p99_ms: number[] } {
  const each = rounds.map((latencies) => {
    const sorted = [...latencies].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  });
  const mean = (key: 'p50' | 'p99') => round(each.reduce((sum, r) => sum + r[key], 0) / each.length);
  return { p50_ms: mean('p50'), p99_ms: mean('p99'), round_p99_ms: each.map((r) => round(r.p99)) };
}

/**
 * `concurrency` clients, each sending an alert and waiting for its containment before the next:
 * the same closed loop for every system, so throughput and latency mean the same thing.
 */
export async function closedLoop(args: {
  devices: Device[];
  concurrency: number;
  send: SendAlert;
  waiter: ContainmentWaiter;
  tag: string;
}): Promise<Samples> {
  const latencies: number[] = [];
  let next = 0;
  const started = Date.now();
  const client = async () => {
    while (next < args.devices.length) {
      const device = args.devices[next++];
      const sentAt = Date.now();
      await args.send(device, `${args.tag}-${device.id}`);
      const at = await args.waiter.wait(device.id, 120_000);
      latencies.push(at - sentAt);
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, client));
  return { latencies, seconds: (Date.now() - started) / 1000 };
}

export interface OpenLoopResult extends LoadResult {
  offered_per_s: number;
  lost: number;
  first_error?: string;
}

export interface OpenLoopArgs {
  devices: Device[];
  rate: number;
  send: SendAlert;
  waiter: ContainmentWaiter;
  tag: string;
  timeoutMs: number;
}

/** An open loop's outcome before it is summarised: each containment's latency and time. */
export interface OpenLoopSamples {
  done: { latency: number; at: number }[];
  lost: number;
  firstError?: string;
}

/**
 * Alert i goes out at start + i/rate whatever happened to the ones before it (open loop), then
 * every containment is awaited; latency is send → contain call at the fake. per_s counts
 * completions between the first and the last containment: the offered rate when the system keeps
 * up, whatever the latency; lower when a backlog builds.
 */
export async function openLoop(args: OpenLoopArgs): Promise<OpenLoopResult> {
  const { done, lost, firstError } = await openLoopSamples(args);
  const times = done.map((d) => d.at);
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  const summary = latencySummary(
    done.map((d) => d.latency),
    span,
  );
  return {
    offered_per_s: args.rate,
    ...summary,
    per_s: done.length > 1 && span > 0 ? round((done.length - 1) / span) : 0,
    lost,
    ...(firstError ? { first_error: firstError } : {}),
  };
}

/** openLoop's offer, its outcomes unsummarised (for offers made in several rounds). */
export async function openLoopSamples(args: OpenLoopArgs): Promise<OpenLoopSamples> {
  const start = Date.now();
  const outcomes = args.devices.map(async (device, i) => {
    const slot = start + (i * 1000) / args.rate;
    await new Promise((r) => setTimeout(r, Math.max(0, slot - Date.now())));
    const sentAt = Date.now();
    await args.send(device, `${args.tag}-${i}`);
    const at = await args.waiter.wait(device.id, args.timeoutMs);
    return { latency: at - sentAt, at };
  });
  const settled = await Promise.allSettled(outcomes);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  return {
    done: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    lost: settled.filter((s) => s.status === 'rejected').length,
    ...(failure
      ? { firstError: String((failure.reason as Error)?.message ?? failure.reason).slice(0, 300) }
      : {}),
  };
}

/** Devices BENCH-<tag>-0001… added to the fake. */
export function addDevices(falcon: FalconFake, tag: string, n: number): Device[] {
  return Array.from({ length: n }, (_, i) => {
    const hostname = `BENCH-${tag}-${String(i + 1).padStart(4, '0')}`;
    return { id: falcon.addDevice({ hostname }).device_id, hostname };
  });
}

export async function startFalcon(): Promise<FalconFake> {
  const falcon = createFalconFake(FALCON_CREDENTIALS);
  await falcon.start(0);
  return falcon;
}

export interface CordonJob {
  cordon: CordonProcess;
  send: SendAlert;
}

/** Cordon on `databaseUrl` (PGlite when undefined) with a Falcon connection, the playbook and a webhook. */
export async function startCordonJob(
  falcon: FalconFake,
  databaseUrl: string | undefined,
): Promise<CordonJob> {
  const cordon = await startCordon({
    env: {
      CORDON_BOOTSTRAP_API_KEY: KEY,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'error',
      // The Falcon fake listens on loopback, which connections may not reach by default.
      CORDON_CONNECTION_ALLOWLIST: '127.0.0.1',
      // The per-endpoint webhook limit (1,200 a minute by default) stays on, as in a deployment,
      // but above what a saturated closed loop of 1,000 alerts sends.
      CORDON_RATE_LIMIT_WEBHOOKS: '1000000',
    },
  });
  try {
    const gql = graphqlClient(cordon.graphqlUrl);
    const must = async (query: string, variables: Record<string, unknown>) => {
      const res = await gql(query, variables, KEY);
      if (res.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(res.errors)}`);
      return res.data;
    };
    await configureCordon(gql, KEY, { url: falcon.url, ...FALCON_CREDENTIALS }, PLAYBOOK);
    const hook = await must(
      `mutation($source: String!) { createWebhookEndpoint(source: $source) { secret endpoint { id url } } }`,
      { source: SOURCE },
    );
    const { secret, endpoint } = hook.createWebhookEndpoint;
    const send = signedSender(`${cordon.url}${endpoint.url}`, endpoint.id, secret);
    return { cordon, send };
  } catch (err) {
    await cordon.stop();
    throw err;
  }
}

/** Posts alerts signed as Cordon's webhook contract says; any non-2xx answer is an error. */
export function signedSender(url: string, endpointId: string, secret: string): SendAlert {
  return async (device, ref) => {
    const body = alertBody(device, ref);
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cordon-endpoint': endpointId,
        'x-cordon-delivery': ref,
        'x-cordon-timestamp': String(timestamp),
        'x-cordon-signature': signWebhook(secret, timestamp, body),
      },
      body,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
  };
}
