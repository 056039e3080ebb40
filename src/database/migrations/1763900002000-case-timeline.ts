import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases become workable: resolution, tags, merging, a timeline of every change, and per-tenant
 * correlation settings (which entities tie a new alert to an open case, within what window).
 */
export class CaseTimeline1763900002000 implements MigrationInterface {
  name = 'CaseTimeline1763900002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE cases ADD COLUMN resolution text CHECK (resolution IN ('TRUE_POSITIVE','BENIGN','FALSE_POSITIVE','DUPLICATE'))`,
    );
    await q.query(`ALTER TABLE cases ADD COLUMN tags text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE cases ADD COLUMN merged_into uuid REFERENCES cases(id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX cases_tags_idx ON cases USING gin (tags)`);
    await q.query(
      `CREATE INDEX cases_assignee_idx ON cases (tenant_id, assignee) WHERE assignee IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE case_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Timeline order: timestamps can tie within one batch, the sequence cannot.
        seq bigserial NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        kind text NOT NULL,
        actor text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        -- Set by writers that may repeat (activities): a retried write records nothing twice.
        event_key text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX case_events_case_idx ON case_events (case_id, seq)`);
    await q.query(
      `CREATE UNIQUE INDEX case_events_key_uq ON case_events (case_id, event_key) WHERE event_key IS NOT NULL`,
    );
    await q.query(`
      ALTER TABLE tenants ADD COLUMN correlation jsonb NOT NULL
        DEFAULT '{"enabled": true, "windowMinutes": 60, "entities": ["HOSTNAME", "USER"]}'`);
    // "Every alert that saw this host" and correlation both look observables up by value first.
    await q.query(`CREATE INDEX observables_value_idx ON observables (tenant_id, value, type)`);
    // It serves (type, value) lookups as well, so the type-first index is redundant write cost.
    await q.query(`DROP INDEX observables_lookup_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX observables_lookup_idx ON observables (tenant_id, type, value)`);
    await q.query(`DROP INDEX IF EXISTS observables_value_idx`);
    await q.query(`ALTER TABLE tenants DROP COLUMN IF EXISTS correlation`);
    await q.query(`DROP TABLE IF EXISTS case_events`);
    await q.query(`DROP INDEX IF EXISTS cases_assignee_idx`);
    await q.query(`DROP INDEX IF EXISTS cases_tags_idx`);
    await q.query(`ALTER TABLE cases DROP COLUMN IF EXISTS merged_into`);
    await q.query(`ALTER TABLE cases DROP COLUMN IF EXISTS tags`);
    await q.query(`ALTER TABLE cases DROP COLUMN IF EXISTS resolution`);
  }
}
