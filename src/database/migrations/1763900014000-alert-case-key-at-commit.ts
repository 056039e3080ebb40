import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An alert's key to its case is checked at commit, not at insert. An ingest can then store the
 * alerts and their observables before it numbers and inserts the cases they open, and so holds
 * the tenant's row (case numbers are a counter on it) for the last statements only: every
 * webhook push of a tenant opens a case and waited on that row for most of its transaction
 * (63 ms on average under the peer bench). A dangling key still fails the commit.
 */
export class AlertCaseKeyAtCommit1763900014000 implements MigrationInterface {
  name = 'AlertCaseKeyAtCommit1763900014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ALTER CONSTRAINT alerts_case_id_fkey DEFERRABLE INITIALLY DEFERRED`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ALTER CONSTRAINT alerts_case_id_fkey NOT DEFERRABLE`);
  }
}
