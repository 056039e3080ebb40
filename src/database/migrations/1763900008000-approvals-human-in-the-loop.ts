import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Human in the loop: approvals carry what the decider needs (context, case summary, escalation
 * level) and their own timeline; the messages sent about them can be updated; chat and e-mail
 * identities map to Cordon actors; Slack clicks and decision links are remembered so that a
 * replayed request or a reused link is refused.
 */
export class ApprovalsHumanInTheLoop1763900008000 implements MigrationInterface {
  name = 'ApprovalsHumanInTheLoop1763900008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE approvals
        ADD COLUMN reject_quorum integer NOT NULL DEFAULT 1,
        ADD COLUMN level integer NOT NULL DEFAULT 0,
        ADD COLUMN escalation_levels integer NOT NULL DEFAULT 0,
        ADD COLUMN on_timeout text NOT NULL DEFAULT 'reject',
        ADD COLUMN on_reject text NOT NULL DEFAULT 'continue',
        ADD COLUMN requested_by text,
        ADD COLUMN context jsonb,
        ADD COLUMN case_summary jsonb,
        ADD COLUMN timed_out_decision text`);
    // "What may I decide in this case?" and the pending list per tenant.
    await q.query(
      `CREATE INDEX approvals_case_idx ON approvals (tenant_id, case_id, status) WHERE case_id IS NOT NULL`,
    );

    // Every transition of one approval, in order: opened, each decision, escalations, the end.
    await q.query(`
      CREATE TABLE approval_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        approval_id uuid NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
        kind text NOT NULL,
        actor text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        -- Activities may repeat: the key makes each transition land once.
        event_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (approval_id, event_key)
      )`);

    // Messages sent about an approval (a Slack message's channel and ts), to show the outcome later.
    await q.query(`
      CREATE TABLE approval_messages (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        approval_id uuid NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
        channel text NOT NULL,
        ref text NOT NULL,
        connection_id uuid,
        data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (approval_id, channel, ref)
      )`);

    // A person outside Cordon (a Slack user, an e-mail address) acting as a Cordon actor.
    await q.query(`
      CREATE TABLE approver_identities (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('slack', 'email')),
        external_id text NOT NULL,
        actor_id text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, channel, external_id)
      )`);
    await q.query(`CREATE INDEX approver_identities_actor_idx ON approver_identities (tenant_id, actor_id)`);

    // Slack interactions already acted on (replay protection; kept 24 h).
    await q.query(`
      CREATE TABLE slack_interactions_seen (
        team_id text NOT NULL,
        interaction_key text NOT NULL,
        tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
        seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (team_id, interaction_key)
      )`);
    await q.query(`CREATE INDEX slack_interactions_seen_at_idx ON slack_interactions_seen (seen_at)`);

    // Decision links used: one use per link and deciding actor.
    await q.query(`
      CREATE TABLE approval_link_uses (
        token_id text NOT NULL,
        actor_id text NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        approval_id uuid NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
        used_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (token_id, actor_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'approval_link_uses',
      'slack_interactions_seen',
      'approver_identities',
      'approval_messages',
      'approval_events',
    ])
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    await q.query(`DROP INDEX IF EXISTS approvals_case_idx`);
    await q.query(`
      ALTER TABLE approvals
        DROP COLUMN timed_out_decision, DROP COLUMN case_summary, DROP COLUMN context,
        DROP COLUMN requested_by, DROP COLUMN on_reject, DROP COLUMN on_timeout,
        DROP COLUMN escalation_levels, DROP COLUMN level, DROP COLUMN reject_quorum`);
  }
}
