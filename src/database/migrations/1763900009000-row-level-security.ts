import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table that carries tenant_id (and tenants, keyed by id) as of this migration. */
const TENANT_TABLES = [
  'api_keys',
  'alerts',
  'observables',
  'cases',
  'case_events',
  'playbook_versions',
  'tenant_playbooks',
  'playbook_runs',
  'step_runs',
  'approvals',
  'approval_decisions',
  'approval_events',
  'approval_messages',
  'approver_identities',
  'approval_link_uses',
  'slack_interactions_seen',
  'connections',
  'capability_bindings',
  'webhook_endpoints',
  'webhook_deliveries',
];

const CURRENT_TENANT = `NULLIF(current_setting('cordon.tenant_id', true), '')::uuid`;

/**
 * Tenant isolation in the database. Two NOLOGIN roles that own nothing and do not bypass RLS:
 * `cordon_app` (every tenant transaction) and `cordon_system` (the enumerated cross-tenant
 * paths below). Every tenant table gets ENABLE + FORCE row-level security and a
 * `tenant_isolation` policy on `cordon.tenant_id`, so even the owner sees nothing without a
 * tenant. Roles are cluster-wide: they are created here when the migrating role may (PGlite's
 * superuser, a CREATEROLE owner), otherwise an administrator creates them beforehand (README).
 *
 * Note for later migrations: the owner is subject to these policies too (FORCE). A data migration
 * over tenant rows either sets the tenant per statement or switches FORCE off and on again
 * inside its own transaction.
 */
export class RowLevelSecurity1763900009000 implements MigrationInterface {
  name = 'RowLevelSecurity1763900009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      DECLARE r text;
      BEGIN
        FOREACH r IN ARRAY ARRAY['cordon_app', 'cordon_system'] LOOP
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            BEGIN
              EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT', r);
            EXCEPTION
              -- Another database on this server created it a moment ago.
              WHEN duplicate_object OR unique_violation THEN NULL;
              WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role % does not exist and % may not create it', r, current_user
                  USING HINT = format('as a superuser: CREATE ROLE %I NOLOGIN; GRANT %I TO %I;', r, r, current_user);
            END;
          END IF;
          -- With a single DATABASE_URL the migrating login is also the one that switches to the role.
          IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
            BEGIN
              EXECUTE format('GRANT %I TO %I', r, current_user);
            EXCEPTION WHEN insufficient_privilege THEN
              RAISE NOTICE 'could not grant % to %: the login of DATABASE_URL must be a member of it', r, current_user;
            END;
          END IF;
        END LOOP;

        EXECUTE format('GRANT USAGE ON SCHEMA %I TO cordon_app, cordon_system', current_schema());
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO cordon_app', current_schema());
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO cordon_app', current_schema());
        -- Tables later migrations create are usable by the app at once; the RLS check (start-up
        -- and test/tenant-isolation.medium.spec.ts) refuses them until they are tenant-scoped.
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cordon_app', current_schema());
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO cordon_app', current_schema());
      END $$`);
    await q.query(`REVOKE ALL ON schema_migrations FROM cordon_app`);
    // A tenant reads and updates its own settings row; tenants are created by cordon_system only.
    await q.query(`REVOKE INSERT, DELETE ON tenants FROM cordon_app`);

    await this.isolate(q, 'tenants', 'id');
    for (const table of TENANT_TABLES) await this.isolate(q, table, 'tenant_id');
    // Shipped playbooks (tenant_id NULL) are readable by every tenant, writable by none.
    await q.query(`CREATE POLICY shipped_read ON playbook_versions FOR SELECT USING (tenant_id IS NULL)`);

    // The cross-tenant paths, each granted and admitted by a policy of its own.
    // Tenant creation and bootstrap, and createApiKey's "does this tenant exist".
    await q.query(`GRANT SELECT, INSERT ON tenants TO cordon_system`);
    await q.query(`CREATE POLICY system_read ON tenants FOR SELECT TO cordon_system USING (true)`);
    await q.query(`CREATE POLICY system_create ON tenants FOR INSERT TO cordon_system WITH CHECK (true)`);
    // API-key authentication: the key's hash is all a request carries.
    await q.query(`GRANT SELECT ON api_keys TO cordon_system`);
    await q.query(`CREATE POLICY system_authenticate ON api_keys FOR SELECT TO cordon_system USING (true)`);
    // Webhook authentication: the endpoint id header comes before any tenant.
    await q.query(`GRANT SELECT ON webhook_endpoints TO cordon_system`);
    await q.query(
      `CREATE POLICY system_authenticate ON webhook_endpoints FOR SELECT TO cordon_system USING (revoked_at IS NULL)`,
    );
    // Pruning deliveries by age, across tenants: the timestamp is all it may read.
    await q.query(`GRANT SELECT (received_at), DELETE ON webhook_deliveries TO cordon_system`);
    await q.query(
      `CREATE POLICY system_prune_read ON webhook_deliveries FOR SELECT TO cordon_system USING (true)`,
    );
    await q.query(
      `CREATE POLICY system_prune ON webhook_deliveries FOR DELETE TO cordon_system USING (true)`,
    );
    // The dispatcher's sweep restarts runs that stayed queued, whoever's they are.
    await q.query(`GRANT SELECT ON playbook_runs TO cordon_system`);
    await q.query(
      `CREATE POLICY system_sweep ON playbook_runs FOR SELECT TO cordon_system USING (status = 'QUEUED')`,
    );
    // Shipped playbooks are stored at start; the sweep reads the (immutable) version a run pins.
    await q.query(`GRANT SELECT, INSERT ON playbook_versions TO cordon_system`);
    await q.query(`CREATE POLICY system_read ON playbook_versions FOR SELECT TO cordon_system USING (true)`);
    await q.query(
      `CREATE POLICY system_ship ON playbook_versions FOR INSERT TO cordon_system
         WITH CHECK (tenant_id IS NULL AND origin = 'shipped')`,
    );
    // A Slack button names an approval; its tenant says whose signing secrets verify the click.
    await q.query(`GRANT SELECT (id, tenant_id) ON approvals TO cordon_system`);
    await q.query(`CREATE POLICY system_route ON approvals FOR SELECT TO cordon_system USING (true)`);
  }

  private async isolate(q: QueryRunner, table: string, column: string): Promise<void> {
    await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    await q.query(
      `CREATE POLICY tenant_isolation ON ${table}
         USING (${column} = ${CURRENT_TENANT}) WITH CHECK (${column} = ${CURRENT_TENANT})`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const system: [string, string][] = [
      ['approvals', 'system_route'],
      ['playbook_versions', 'system_ship'],
      ['playbook_versions', 'system_read'],
      ['playbook_runs', 'system_sweep'],
      ['webhook_deliveries', 'system_prune'],
      ['webhook_deliveries', 'system_prune_read'],
      ['webhook_endpoints', 'system_authenticate'],
      ['api_keys', 'system_authenticate'],
      ['tenants', 'system_create'],
      ['tenants', 'system_read'],
      ['playbook_versions', 'shipped_read'],
    ];
    for (const [table, policy] of system) await q.query(`DROP POLICY IF EXISTS ${policy} ON ${table}`);
    for (const table of ['tenants', ...TENANT_TABLES]) {
      await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    // The roles stay: they are cluster-wide and other databases may use them.
    await q.query(`
      DO $$ BEGIN
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON TABLES FROM cordon_app', current_schema());
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON SEQUENCES FROM cordon_app', current_schema());
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM cordon_app, cordon_system', current_schema());
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM cordon_app', current_schema());
        EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM cordon_app, cordon_system', current_schema());
      END $$`);
  }
}
