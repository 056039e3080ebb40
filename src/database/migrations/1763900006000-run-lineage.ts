import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs started by other runs (child playbooks) point at their parent, and a cancellation says
 * who asked for it and why.
 */
export class RunLineage1763900006000 implements MigrationInterface {
  name = 'RunLineage1763900006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE playbook_runs ADD COLUMN parent_run_id uuid REFERENCES playbook_runs(id) ON DELETE SET NULL`,
    );
    await q.query(`ALTER TABLE playbook_runs ADD COLUMN cancel_requested_by text`);
    await q.query(`ALTER TABLE playbook_runs ADD COLUMN cancel_reason text`);
    await q.query(
      `CREATE INDEX playbook_runs_parent_idx ON playbook_runs (parent_run_id) WHERE parent_run_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX playbook_runs_parent_idx`);
    await q.query(
      `ALTER TABLE playbook_runs DROP COLUMN cancel_reason, DROP COLUMN cancel_requested_by, DROP COLUMN parent_run_id`,
    );
  }
}
