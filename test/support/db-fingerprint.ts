import { Client } from 'pg';

/**
 * A digest of every row of every table, to prove a test changed nothing. Tables under forced
 * row-level security are read as the application role once per tenant (the owner would simply
 * see no rows, and a digest of nothing proves nothing); the rest as the login itself.
 * `ignore` names columns that legitimately move on reads (e.g. an API key's last use); `only`
 * narrows a table to the rows that must not change (e.g. the audit log's successful acts: refused
 * attempts are appended to it, which is the log doing its job).
 */
export async function databaseFingerprint(
  url: string,
  ignore: Record<string, string[]> = {},
  only: Record<string, string> = {},
): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (
      await client.query<{ name: string; rls: boolean }>(
        `SELECT c.relname AS name, c.relrowsecurity AND c.relforcerowsecurity AS rls
           FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
          ORDER BY c.relname`,
      )
    ).rows;
    const rlsInUse = tables.some((t) => t.rls);
    const tenants = rlsInUse
      ? await inTransaction(client, `SELECT set_config('role', 'cordon_system', true)`, [], async () =>
          (await client.query<{ id: string }>(`SELECT id FROM tenants ORDER BY id`)).rows.map((r) => r.id),
        )
      : [''];
    const out: Record<string, string> = { tenants: tenants.join(',') };
    for (const table of tables) {
      const columns = (
        await client.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [table.name],
        )
      ).rows
        .map((r) => r.column_name)
        .filter((c) => !(ignore[table.name] ?? []).includes(c));
      const row = `ROW(${columns.map((c) => `t."${c}"`).join(', ')})::text`;
      const sql = `SELECT count(*)::int AS n, md5(coalesce(string_agg(${row}, E'\\n' ORDER BY ${row}), '')) AS digest FROM "${table.name}" t${only[table.name] ? ` WHERE ${only[table.name]}` : ''}`;
      if (!table.rls) {
        const { n, digest } = (await client.query<{ n: number; digest: string }>(sql)).rows[0];
        out[table.name] = `${n}:${digest}`;
        continue;
      }
      // Each role that may read the table sees its own share: the app role a tenant's rows, the
      // system role what its policies show it (users, the provider's audit chain).
      const readers = (
        await client.query<{ app: boolean; system: boolean }>(
          `SELECT has_table_privilege('cordon_app', $1, 'SELECT') AS app,
                  has_table_privilege('cordon_system', $1, 'SELECT') AS system`,
          [table.name],
        )
      ).rows[0];
      for (const tenant of readers.app ? tenants : []) {
        const { n, digest } = await inTransaction(
          client,
          `SELECT set_config('role', 'cordon_app', true), set_config('cordon.tenant_id', $1, true)`,
          [tenant],
          async () => (await client.query<{ n: number; digest: string }>(sql)).rows[0],
        );
        out[`${table.name}@${tenant}`] = `${n}:${digest}`;
      }
      if (readers.system) {
        const { n, digest } = await inTransaction(
          client,
          `SELECT set_config('role', 'cordon_system', true)`,
          [],
          async () => (await client.query<{ n: number; digest: string }>(sql)).rows[0],
        );
        out[`${table.name}@system`] = `${n}:${digest}`;
      }
    }
    return out;
  } finally {
    await client.end();
  }
}

async function inTransaction<T>(
  client: Client,
  setup: string,
  params: unknown[],
  work: () => Promise<T>,
): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query(setup, params);
    return await work();
  } finally {
    await client.query('ROLLBACK');
  }
}
