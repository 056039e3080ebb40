/**
 * Row-level security vocabulary shared by the migration, TenantDb, the start-up check and the
 * tests. Two NOLOGIN roles own nothing and never bypass RLS:
 *
 * - `cordon_app` runs every tenant transaction; policies let it see the rows of the tenant named
 *   in `cordon.tenant_id` (set with set_config(..., true) for that transaction only).
 * - `cordon_system` runs the few cross-tenant paths (API-key and webhook authentication, the
 *   queued-run sweep, shipped playbooks, tenant creation, pruning); it is granted exactly those
 *   tables and commands, each with its own policy (migration 1763900009000).
 *
 * The login of DATABASE_URL switches to one of them at the start of every transaction
 * (set_config('role', …, true), i.e. SET LOCAL ROLE), so a pooled connection never carries a
 * role or a tenant into the next transaction.
 */
export const APP_ROLE = 'cordon_app';
export const SYSTEM_ROLE = 'cordon_system';
export const TENANT_SETTING = 'cordon.tenant_id';

/** The tenant a transaction acts for; NULL (no rows match) when none was set. */
export const CURRENT_TENANT = `NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid`;

/**
 * Tables that belong to no tenant on purpose; everything else must be tenant-scoped. `users` is
 * the people of every tenant (one MDR analyst serves many), readable by cordon_system only.
 */
export const GLOBAL_TABLES = ['schema_migrations', 'users'];

/**
 * Tables of the current schema that lack tenant isolation: a tenant table (a `tenant_id` column,
 * or `tenants` itself) without ENABLE + FORCE row-level security and a `tenant_isolation` policy
 * on the current tenant (USING and WITH CHECK), or any other table not listed as global.
 * One row per problem: { table, problem }.
 */
export const UNPROTECTED_TABLES_SQL = `
  WITH tables AS (
    SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity,
           EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant
    FROM pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
  ),
  isolation AS (
    SELECT p.polrelid,
           pg_get_expr(p.polqual, p.polrelid) AS qual,
           pg_get_expr(p.polwithcheck, p.polrelid) AS with_check
    FROM pg_policy p
    WHERE p.polname = 'tenant_isolation' AND p.polcmd = '*' AND p.polpermissive
  )
  SELECT t.relname AS "table",
         CASE
           WHEN NOT (t.has_tenant OR t.relname = 'tenants')
             THEN 'has no tenant_id column and is not a global table (GLOBAL_TABLES)'
           WHEN NOT t.relrowsecurity THEN 'row-level security is not enabled'
           WHEN NOT t.relforcerowsecurity THEN 'row-level security is not forced (FORCE ROW LEVEL SECURITY)'
           WHEN i.polrelid IS NULL THEN 'has no tenant_isolation policy'
           WHEN i.qual NOT LIKE '%' || $1 || '%' OR coalesce(i.with_check, '') NOT LIKE '%' || $1 || '%'
             THEN 'its tenant_isolation policy does not check ' || $1 || ' in USING and WITH CHECK'
         END AS problem
  FROM tables t
  LEFT JOIN isolation i ON i.polrelid = t.oid
  WHERE NOT (t.relname = ANY($2::text[]))
    AND (NOT (t.has_tenant OR t.relname = 'tenants')
         OR NOT t.relrowsecurity OR NOT t.relforcerowsecurity OR i.polrelid IS NULL
         OR i.qual NOT LIKE '%' || $1 || '%' OR coalesce(i.with_check, '') NOT LIKE '%' || $1 || '%')
  ORDER BY 1`;

export function unprotectedTablesParams(): unknown[] {
  return [TENANT_SETTING, GLOBAL_TABLES];
}
