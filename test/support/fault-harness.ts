import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFalconFake, type FalconFake } from '../../integrations/crowdstrike-falcon/fake/falcon.fake';
import type { Payload } from '@temporalio/common';
import { EncryptionCodec } from '../../src/temporal/codec/payload-codec';
import { PayloadKeyring } from '../../src/temporal/codec/payload-keys';
import { buildSnapshot } from './build-snapshot';
import { startCordon, testDatabase, type CordonProcess } from './cordon-process';
import { eventually, graphqlClient } from './graphql-client';
import { startExternalTemporal, type ExternalTemporal } from './temporal-server';

/**
 * What the fault specs share: the GraphQL operations they automate, a tenant wired to a Falcon
 * fake, and Cordon split into separate api and worker processes against a Temporal dev server
 * the test owns, so each piece can be killed or stopped on its own.
 */
export const FAULT_ADMIN_KEY = 'cdn_fault_admin_key_0123456789abcdef';

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export const OPS = {
  ingest: `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { created deduplicated alerts { id caseId } } }`,
  pending: `query($caseId: ID, $first: Int) { approvals(filter: { status: PENDING, caseId: $caseId }, first: $first) { totalCount edges { node { id runId } } } }`,
  decide: `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { id status } }`,
  run: `query($id: ID!) { playbookRun(id: $id) { id status error workflowId steps { stepId status attempts input output error } } }`,
  runs: `query($first: Int, $after: String) { playbookRuns(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status playbookId } } } }`,
  caseTimeline: `query($id: ID!) { case(id: $id) { id status timeline { kind actor data } } }`,
  save: `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`,
  runPlaybook: `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id status } } }`,
  alertCount: `{ alerts(first: 1) { totalCount } }`,
} as const;

export type Gql = ReturnType<typeof graphqlClient>;

/** A payload of the split processes' Temporal history, opened with their master key. */
export async function payloadJson<T = any>(payload: Payload): Promise<T> {
  const codec = new EncryptionCodec(new PayloadKeyring(Buffer.from(MASTER_KEY, 'base64')));
  const [plain] = await codec.decode([payload]);
  return JSON.parse(Buffer.from(plain.data!).toString()) as T;
}

export interface RunView {
  id: string;
  status: string;
  error: any;
  workflowId: string;
  steps: { stepId: string; status: string; attempts: number; input: any; output: any; error: any }[];
}

/** Fails the test with the GraphQL errors when there are any; returns the data otherwise. */
export async function ok<T = any>(pending: ReturnType<Gql>): Promise<T> {
  const res = await pending;
  if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

/** A responder key, and the tenant's `edr` capability bound to a Falcon connection at `falconUrl`. */
export async function wireTenant(gql: Gql, falconUrl: string): Promise<{ responderKey: string }> {
  const key = await ok(
    gql(
      `mutation { createApiKey(input: { name: "rhea", role: RESPONDER }) { secret } }`,
      {},
      FAULT_ADMIN_KEY,
    ),
  );
  const conn = await ok(
    gql(
      `mutation($input: UpsertConnectionInput!) { upsertConnection(input: $input) { id } }`,
      {
        input: {
          integrationId: 'crowdstrike-falcon',
          name: 'falcon',
          settings: { baseUrl: falconUrl },
          secrets: { clientId: 'falcon-id', clientSecret: 'falcon-secret' },
        },
      },
      FAULT_ADMIN_KEY,
    ),
  );
  await ok(
    gql(
      `mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability } }`,
      { input: { capability: 'edr', connectionId: conn.upsertConnection.id } },
      FAULT_ADMIN_KEY,
    ),
  );
  return { responderKey: key.createApiKey.secret as string };
}

export function newFalcon(): FalconFake {
  return createFalconFake({ clientId: 'falcon-id', clientSecret: 'falcon-secret' });
}

/** Ingests one CRITICAL alert naming a host: the shipped contain-host playbook picks it up. */
export async function ingestHostAlert(gql: Gql, hostname: string, ref: string) {
  const data = await ok(
    gql(
      OPS.ingest,
      {
        input: [
          {
            source: 'crowdstrike',
            sourceRef: ref,
            title: `Ransomware behaviour on ${hostname}`,
            severity: 'CRITICAL',
            techniques: ['T1486'],
            observables: [{ type: 'HOSTNAME', value: hostname }],
          },
        ],
      },
      FAULT_ADMIN_KEY,
    ),
  );
  return data.ingestAlerts.alerts[0] as { id: string; caseId: string };
}

export async function pendingApproval(gql: Gql, key: string, caseId: string, timeoutMs = 60_000) {
  return eventually(
    async () =>
      (await ok(gql(OPS.pending, { caseId }, key))).approvals.edges[0]?.node as
        { id: string; runId: string } | undefined,
    `a pending approval in case ${caseId}`,
    timeoutMs,
  );
}

export async function runOf(gql: Gql, key: string, id: string): Promise<RunView> {
  return (await ok(gql(OPS.run, { id }, key))).playbookRun as RunView;
}

const DONE = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export async function finishedRun(gql: Gql, key: string, id: string, timeoutMs = 90_000): Promise<RunView> {
  return eventually(
    async () => {
      const run = await runOf(gql, key, id);
      return DONE.includes(run.status) ? run : undefined;
    },
    `run ${id} to finish`,
    timeoutMs,
  );
}

/** Resolves once `probe` holds, polling with a deadline (never a fixed sleep). */
export async function until(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  await eventually(async () => ((await probe()) ? true : undefined), what, timeoutMs);
}

/**
 * Cordon split as in production: one api process and one worker process, on a fresh database,
 * against a Temporal dev server the test starts itself (so it can stop it, too).
 */
export class SplitCordon {
  api!: CordonProcess;
  worker: CordonProcess | null = null;
  temporal!: ExternalTemporal;
  gql!: Gql;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-fault-'));
  private db!: Awaited<ReturnType<typeof testDatabase>>;
  private root!: string;

  constructor(private readonly extraEnv: Record<string, string> = {}) {}

  get databaseUrl(): string | undefined {
    return this.db.url;
  }

  async start(): Promise<void> {
    this.root = buildSnapshot();
    this.db = await testDatabase();
    if (!this.db.url) throw new Error('the fault specs need DATABASE_URL (a PostgreSQL server)');
    this.temporal = await startExternalTemporal(this.dir);
    this.api = await this.spawn('api');
    this.gql = graphqlClient(this.api.graphqlUrl);
    await this.startWorker();
  }

  async startWorker(): Promise<CordonProcess> {
    if (this.worker) throw new Error('a worker is already running');
    this.worker = await this.spawn('worker');
    return this.worker;
  }

  /** SIGKILL: no shutdown hook runs, in-flight activities are simply gone. */
  async killWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.stop('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
    await this.api?.stop();
    await this.temporal?.stop();
    await this.db?.drop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private spawn(mode: 'api' | 'worker'): Promise<CordonProcess> {
    return startCordon({
      mode,
      root: this.root,
      dataDir: path.join(this.dir, mode),
      env: {
        CORDON_BOOTSTRAP_API_KEY: FAULT_ADMIN_KEY,
        DATABASE_URL: this.db.url,
        TEMPORAL_ADDRESS: this.temporal.address,
        // Split processes must share the key that seals connection secrets.
        CORDON_MASTER_KEY: MASTER_KEY,
        // The vendor fakes listen on loopback.
        CORDON_ALLOW_PRIVATE_CONNECTIONS: '1',
        SHUTDOWN_GRACE_MS: '2000',
        ...this.extraEnv,
      },
    });
  }
}

/** Resident memory of a process, from /proc/<pid>/status: now (VmRSS) and its peak (VmHWM), in MB. */
export function residentMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU time a process has used so far (user + system), in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
