import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dedup folds repeats only within a window (per tenant, configurable per source), so the
 * fingerprint is no longer unique for ever; and the indexes the alert filters use.
 */
export class AlertDedupFilters1763900004000 implements MigrationInterface {
  name = 'AlertDedupFilters1763900004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ADD COLUMN rule text`);
    await q.query(`DROP INDEX alerts_fingerprint_uq`);
    await q.query(
      `CREATE INDEX alerts_fingerprint_idx ON alerts (tenant_id, fingerprint, last_seen_at DESC)`,
    );
    await q.query(`CREATE INDEX alerts_tenant_detected_idx ON alerts (tenant_id, detected_at DESC)`);
    await q.query(`CREATE INDEX alerts_tenant_source_idx ON alerts (tenant_id, source, created_at DESC)`);
    await q.query(`CREATE INDEX alerts_tenant_status_idx ON alerts (tenant_id, status, created_at DESC)`);
    await q.query(`CREATE INDEX alerts_techniques_idx ON alerts USING gin (techniques)`);
    await q.query(
      `ALTER TABLE tenants ADD COLUMN dedup jsonb NOT NULL DEFAULT '{"windowMinutes": 1440, "sources": {}}'`,
    );
    // The analyst's advice to the client, carried into the incident report.
    await q.query(`ALTER TABLE cases ADD COLUMN recommendations text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases DROP COLUMN recommendations`);
    await q.query(`ALTER TABLE tenants DROP COLUMN dedup`);
    for (const idx of [
      'alerts_techniques_idx',
      'alerts_tenant_status_idx',
      'alerts_tenant_source_idx',
      'alerts_tenant_detected_idx',
      'alerts_fingerprint_idx',
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${idx}`);
    }
    await q.query(`CREATE UNIQUE INDEX alerts_fingerprint_uq ON alerts (tenant_id, fingerprint)`);
    await q.query(`ALTER TABLE alerts DROP COLUMN rule`);
  }
}
