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
 * Alerts/s through ingestAlerts (HTTP, GraphQL, validation, dedup, cases, correlation, triggers)
 * against plain batched INSERTs of the same rows into the same kind of database.
 */
export async function ingestBench(args: { n: number }): Promise<Record<string, unknown>> {
  const alerts = [...generateAlerts(args.n, 0.2)];
  const cordonDb = await testDatabase();
  const cordon = await startCordon({
    env: { CORDON_BOOTSTRAP_API_KEY: KEY, DATABASE_URL: cordonDb.url, LOG_LEVEL: 'error' },
  });
  let cordonSeconds: number;
  let created = 0;
  try {
    const gql = graphqlClient(cordon.graphqlUrl);
    const mutation = `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { created deduplicated } }`;
    await gql(
      mutation,
      { input: alerts.slice(0, 10).map((a) => ({ ...a, sourceRef: `warmup-${a.sourceRef}` })) },
      KEY,
    );
    const start = process.hrtime.bigint();
    for (let i = 0; i < alerts.length; i += BATCH) {
      const res = await gql(mutation, { input: alerts.slice(i, i + BATCH) }, KEY);
      if (res.errors) throw new Error(`ingest failed: ${JSON.stringify(res.errors)}`);
      created += res.data.ingestAlerts.created as number;
    }
    cordonSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  } finally {
    await cordon.stop();
    await cordonDb.drop();
  }
  const baseline = await baselineInsert(alerts);
  const alertsPerS = alerts.length / cordonSeconds;
  return {
    name: 'ingest',
    alerts: alerts.length,
    created,
    batch: BATCH,
    database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
    alerts_per_s: round(alertsPerS),
    baseline_rows_per_s: round(baseline),
    ratio: round(baseline / alertsPerS, 2),
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
    const start = process.hrtime.bigint();
    for (let i = 0; i < unique.length; i += BATCH) {
      const batch = unique.slice(i, i + BATCH);
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
    return unique.length / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    await client.end();
    await pglite?.stop();
    await server.drop();
  }
}
