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
 */
export async function ingestBench(args: { n: number }): Promise<Record<string, unknown>> {
  const alerts = [...generateAlerts(args.n, 0.2)];
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
    const pass = async (stream: AlertInput[]) => {
      const runsBefore = await runCount();
      let created = 0;
      const start = process.hrtime.bigint();
      for (let i = 0; i < stream.length; i += BATCH) created += await ingest(stream.slice(i, i + BATCH));
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      return { seconds, created, runs: (await runCount()) - runsBefore };
    };

    await setPlaybooks(false);
    await ingest(warmup());
    await analyze(cordonDb.url);
    alone = await pass(alerts);
    await setPlaybooks(true);
    withRuns = await pass([...generateAlerts(args.n, 0.2, 43)]);
  } finally {
    await cordon.stop();
    await cordonDb.drop();
  }
  const baseline = await baselineInsert(alerts);
  const alertsPerS = alerts.length / alone.seconds;
  return {
    name: 'ingest',
    alerts: alerts.length,
    created: alone.created,
    batch: BATCH,
    database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
    alerts_per_s: round(alertsPerS),
    baseline_rows_per_s: round(baseline),
    ratio: round(baseline / alertsPerS, 2),
    with_runs_alerts_per_s: round(alerts.length / withRuns.seconds),
    with_runs_queued: withRuns.runs,
  };
}

/** The floor: the same new alerts and observables as multi-row INSERTs, one transaction per batch. */
async function baselineInsert(alerts: AlertInput[]): Promise<number> {
  const server = await testDatabase();
  const pglite = server.url ? null : await startEmbeddedPostgres(null);
  const url = server.url ?? pglite!.url;
  const ds = new DataSource(dataSourceOptions({ url, poolSize: 2, embedded: !!pglite }));
  await ds.initialize();
  await runMigrations(ds, !!pglite);
  await ds.destroy();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // As Cordon itself writes (row-level security): the tenant as cordon_system, rows as cordon_app.
    await client.query(`SELECT set_config('role', 'cordon_system', false)`);
    const [{ id: tenantId }] = (
      await client.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`)
    ).rows as { id: string }[];
    await client.query(
      `SELECT set_config('role', 'cordon_app', false), set_config('cordon.tenant_id', $1, false)`,
      [tenantId],
    );
    const unique = [...new Map(alerts.map((a) => [a.sourceRef, a])).values()];
    await insertBatch(client, tenantId, warmup());
    await analyze(server.url);
    const start = process.hrtime.bigint();
    for (let i = 0; i < unique.length; i += BATCH)
      await insertBatch(client, tenantId, unique.slice(i, i + BATCH));
    return unique.length / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    await client.end();
    await pglite?.stop();
    await server.drop();
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
