import { Client } from 'pg';
import type { AlertInput } from '../src/alerts/dto/alert.input';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../src/database/data-source';
import { startCordon, testDatabase } from '../test/support/cordon-process';
import { graphqlClient } from '../test/support/graphql-client';
import { generateAlerts } from './alert-generator';
import { round } from './stats';

const KEY = 'cdn_bench_admin_key_0123456789abcdef';
const BATCH = 500;

/**
 * Alerts/s through ingestAlerts (HTTP, GraphQL, validation, dedup, cases, correlation, trigger
 * matching) against plain batched INSERTs of the same rows into the same kind of database. The
 * ratio compares like with like: the tenant's playbooks are disabled, so no workflow runs on the
 * same cores while alerts are stored (the baseline starts none either). A second pass, with the
 * shipped playbooks on (HIGH and CRITICAL alerts with a host start contain-host), reports what
 * ingest keeps while those runs are queued, started and executed beside it.
 *
 * The two sides take turns, a batch each: this machine's speed moves by tens of percent within a
 * minute, and measured one after the other the ratio was as much the machine's as Cordon's (the
 * baseline alone ranged 4,057-7,031 rows/s over one day, on the same code).
 */
export async function ingestBench(args: { n: number }): Promise<Record<string, unknown>> {
  const alerts = [...generateAlerts(args.n, 0.2)];
  const baseline = await startBaseline();
  try {
    return await measure(alerts, baseline);
  } finally {
    await baseline.stop();
  }
}

async function measure(
  alerts: AlertInput[],
  baseline: Awaited<ReturnType<typeof startBaseline>>,
): Promise<Record<string, unknown>> {
  const cordonDb = await testDatabase();
  const cordon = await startCordon({
    env: { CORDON_BOOTSTRAP_API_KEY: KEY, DATABASE_URL: cordonDb.url, LOG_LEVEL: 'error' },
  });
  let alone: { seconds: number; created: number; runs: number };
  let withRuns: { seconds: number; created: number; runs: number };
  try {
    const gql = graphqlClient(cordon.graphqlUrl);
    const must = async (query: string, variables: Record<string, unknown>) => {
      const res = await gql(query, variables, KEY);
      if (res.errors) throw new Error(`${query.slice(0, 50)}…: ${JSON.stringify(res.errors)}`);
      return res.data;
    };
    const setPlaybooks = async (enabled: boolean) => {
      const { playbooks } = await must(`{ playbooks { id } }`, {});
      for (const { id } of playbooks as { id: string }[])
        await must(`mutation($i: SetPlaybookEnabledInput!) { setPlaybookEnabled(input: $i) { id } }`, {
          i: { playbookId: id, enabled },
        });
    };
    const runCount = async () =>
      (await must(`{ playbookRuns(first: 1) { totalCount } }`, {})).playbookRuns.totalCount as number;
    const ingest = async (batch: AlertInput[]) =>
      (
        await must(
          `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { created deduplicated } }`,
          {
            input: batch,
          },
        )
      ).ingestAlerts.created as number;
    /** Sends `stream` in batches; `between` runs after each batch, outside the time measured. */
    const pass = async (stream: AlertInput[], between?: (batch: AlertInput[]) => Promise<void>) => {
      const runsBefore = await runCount();
      let created = 0;
      let ns = 0n;
      for (let i = 0; i < stream.length; i += BATCH) {
        const batch = stream.slice(i, i + BATCH);
        const start = process.hrtime.bigint();
        created += await ingest(batch);
        ns += process.hrtime.bigint() - start;
        await between?.(batch);
      }
      return { seconds: Number(ns) / 1e9, created, runs: (await runCount()) - runsBefore };
    };

    await setPlaybooks(false);
    await ingest(warmup());
    await analyze(cordonDb.url);
    alone = await pass(alerts, (batch) => baseline.take(batch));
    await baseline.flush();
    await setPlaybooks(true);
    withRuns = await pass([...generateAlerts(alerts.length, 0.2, 43)]);
  } finally {
    await cordon.stop();
    await cordonDb.drop();
  }
  const alertsPerS = alerts.length / alone.seconds;
  const baselineRowsPerS = baseline.rowsPerS();
  return {
    name: 'ingest',
    alerts: alerts.length,
    created: alone.created,
    batch: BATCH,
    database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
    alerts_per_s: round(alertsPerS),
    baseline_rows_per_s: round(baselineRowsPerS),
    ratio: round(baselineRowsPerS / alertsPerS, 2),
    with_runs_alerts_per_s: round(alerts.length / withRuns.seconds),
    with_runs_queued: withRuns.runs,
  };
}

/**
 * The floor: the same new alerts and observables as multi-row INSERTs, one transaction per batch
 * of 500. It is handed each of Cordon's batches as they go (`take`) and writes the alerts it has
 * not seen (repeats are Cordon's work, not a database's) 500 at a time; only those writes count.
 */
async function startBaseline() {
  const server = await testDatabase();
  const pglite = server.url ? null : await startEmbeddedPostgres(null);
  const url = server.url ?? pglite!.url;
  const ds = new DataSource(dataSourceOptions({ url, poolSize: 2, embedded: !!pglite }));
  await ds.initialize();
  await runMigrations(ds, !!pglite);
  await ds.destroy();
  const client = await connect(url);
  const stop = async () => {
    await client.end();
    await pglite?.stop();
    await server.drop();
  };
  let tenantId: string;
  try {
    // As Cordon itself writes (row-level security): the tenant as cordon_system, rows as cordon_app.
    await client.query(`SELECT set_config('role', 'cordon_system', false)`);
    [{ id: tenantId }] = (await client.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`))
      .rows as { id: string }[];
    await client.query(
      `SELECT set_config('role', 'cordon_app', false), set_config('cordon.tenant_id', $1, false)`,
      [tenantId],
    );
    await insertBatch(client, tenantId, warmup());
    await analyze(server.url);
  } catch (err) {
    await stop();
    throw err;
  }
  const seen = new Set<string>();
  const pending: AlertInput[] = [];
  let rows = 0;
  let ns = 0n;
  const write = async (batch: AlertInput[]) => {
    const start = process.hrtime.bigint();
    await insertBatch(client, tenantId, batch);
    ns += process.hrtime.bigint() - start;
    rows += batch.length;
  };
  return {
    async take(batch: AlertInput[]): Promise<void> {
      for (const a of batch) {
        if (seen.has(a.sourceRef!)) continue;
        seen.add(a.sourceRef!);
        pending.push(a);
      }
      while (pending.length >= BATCH) await write(pending.splice(0, BATCH));
    },
    async flush(): Promise<void> {
      if (pending.length) await write(pending.splice(0));
    },
    rowsPerS: () => rows / (Number(ns) / 1e9),
    stop,
  };
}

/**
 * A connection, retried briefly: embedded PGlite takes one connection at a time and frees the
 * migrations' slot a moment after their pool has closed ("Too many connections" before that).
 */
async function connect(url: string): Promise<Client> {
  for (let attempt = 1; ; attempt++) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (attempt === 20) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Statistics for the tables the warm-up filled, on both sides, as pgbench does after loading and
 * as any database a while in use has them (autovacuum analyzes a table soon after it fills, and
 * the plans cached in each connection are made again then). Without them, a connection that
 * planned its foreign-key checks while the tables were empty keeps that plan: in one such run a
 * batch's case_events check scanned every case of the tenant, and the statement that numbers the
 * cases grew from 6 to 85 ms within 20 batches, while another connection's stayed at 6 ms. PGlite
 * runs inside Cordon's process, out of the bench's reach: it goes without.
 */
async function analyze(url: string | undefined): Promise<void> {
  if (!url) return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/**
 * One batch of other alerts, sent before either side is timed: what is measured is sustained
 * ingest, not the first requests of a process whose code paths V8 has not optimised yet.
 */
function warmup(): AlertInput[] {
  return [...generateAlerts(BATCH, 0, 41)].map((a) => ({ ...a, sourceRef: `warmup-${a.sourceRef}` }));
}

async function insertBatch(client: Client, tenantId: string, batch: AlertInput[]): Promise<void> {
  await client.query('BEGIN');
  const params: unknown[] = [];
  const rows = batch.map((a) => {
    const base = params.length;
    params.push(
      tenantId,
      a.source,
      a.sourceRef,
      a.sourceRef,
      a.title,
      a.description,
      a.severity,
      a.techniques,
      JSON.stringify(a.raw),
    );
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7}, $${base + 8}, $${base + 9}, now(), now())`;
  });
  const ids = (
    await client.query(
      `INSERT INTO alerts (tenant_id, source, source_ref, fingerprint, title, description, severity, techniques, raw, detected_at, last_seen_at)
           VALUES ${rows.join(', ')} RETURNING id`,
      params,
    )
  ).rows as { id: string }[];
  const oParams: unknown[] = [];
  const oRows: string[] = [];
  batch.forEach((a, j) => {
    for (const o of a.observables ?? []) {
      const b = oParams.length;
      oParams.push(tenantId, ids[j].id, o.type, o.value);
      oRows.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4})`);
    }
  });
  await client.query(
    `INSERT INTO observables (tenant_id, alert_id, type, value) VALUES ${oRows.join(', ')} ON CONFLICT DO NOTHING`,
    oParams,
  );
  await client.query('COMMIT');
}
