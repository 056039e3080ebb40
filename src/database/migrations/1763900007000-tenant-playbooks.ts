import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Playbooks per tenant: whether each is enabled, and which of the tenant's saved versions is
 * active (none: the shipped version of that id). Saved versions already live in
 * playbook_versions with the tenant's id.
 */
export class TenantPlaybooks1763900007000 implements MigrationInterface {
  name = 'TenantPlaybooks1763900007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_playbooks (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        playbook_id text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        -- Null: the tenant runs the shipped version of this id.
        active_version_id uuid REFERENCES playbook_versions(id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, playbook_id)
      )`);
    // A tenant's version history of one playbook, newest first.
    await q.query(
      `CREATE INDEX playbook_versions_history_idx ON playbook_versions (tenant_id, playbook_id, created_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS playbook_versions_history_idx`);
    await q.query(`DROP TABLE IF EXISTS tenant_playbooks`);
  }
}
