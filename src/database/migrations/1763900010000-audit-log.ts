import type { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_TENANT = `NULLIF(current_setting('cordon.tenant_id', true), '')::uuid`;

/**
 * The tamper-evident audit log: one hash chain per tenant (seq 1, 2, …; prev_hash → hash) and a
 * provider-level chain (tenant_id NULL) for what has no tenant, such as a failed login with an
 * unknown key. Append-only for the app: cordon_app and cordon_system may INSERT and SELECT,
 * never UPDATE, DELETE or TRUNCATE. Appends serialise per chain on an advisory lock (AuditWriter).
 */
export class AuditLog1763900010000 implements MigrationInterface {
  name = 'AuditLog1763900010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY,
        -- No cascade: deleting a tenant must not silently take its audit trail with it.
        tenant_id uuid REFERENCES tenants(id),
        seq bigint NOT NULL CHECK (seq >= 1),
        actor_id text NOT NULL,
        actor_kind text NOT NULL,
        actor_name text NOT NULL,
        action text NOT NULL,
        target_type text,
        target_id text,
        request_id text,
        created_at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILURE')),
        change_digest text,
        detail jsonb NOT NULL DEFAULT '{}',
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    // One row per position in a chain; the provider chain's NULL is one chain, not many.
    await q.query(`CREATE UNIQUE INDEX audit_log_chain_idx ON audit_log (tenant_id, seq) NULLS NOT DISTINCT`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (tenant_id, action text_pattern_ops)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (tenant_id, actor_id)`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (tenant_id, target_type, target_id)`);

    await q.query(`ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE audit_log FORCE ROW LEVEL SECURITY`);
    await q.query(
      `CREATE POLICY tenant_isolation ON audit_log
         USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT})`,
    );
    // The provider chain: written and walked by cordon_system, which sees no tenant's rows.
    await q.query(
      `CREATE POLICY system_provider_read ON audit_log FOR SELECT TO cordon_system USING (tenant_id IS NULL)`,
    );
    await q.query(
      `CREATE POLICY system_provider_append ON audit_log FOR INSERT TO cordon_system WITH CHECK (tenant_id IS NULL)`,
    );
    // The default privileges of 1763900009000 gave cordon_app UPDATE and DELETE: taken back.
    await q.query(`REVOKE ALL ON audit_log FROM PUBLIC, cordon_app, cordon_system`);
    await q.query(`GRANT SELECT, INSERT ON audit_log TO cordon_app, cordon_system`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_log`);
  }
}
