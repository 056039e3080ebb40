import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed webhooks: per-tenant endpoints for one source each, with an encrypted signing secret
 * (and the previous one during a rotation overlap), and the deliveries seen in the last 24 hours
 * for replay protection and idempotent redelivery.
 */
export class Webhooks1763900003000 implements MigrationInterface {
  name = 'Webhooks1763900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        source text NOT NULL,
        secret_ciphertext bytea NOT NULL,
        wrapped_key bytea NOT NULL,
        previous_secret_ciphertext bytea,
        previous_wrapped_key bytea,
        previous_valid_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz,
        revoked_at timestamptz,
        CHECK ((previous_secret_ciphertext IS NULL) = (previous_wrapped_key IS NULL)),
        CHECK ((previous_secret_ciphertext IS NULL) = (previous_valid_until IS NULL))
      )`);
    await q.query(
      `CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id, created_at DESC)`,
    );
    await q.query(`
      CREATE TABLE webhook_deliveries (
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        delivery_id text NOT NULL CHECK (char_length(delivery_id) BETWEEN 1 AND 128),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        -- 'processing' while the alerts are being stored, 'done' once they are.
        status text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'done')),
        -- What was signed: X-Cordon-Timestamp and the SHA-256 of the raw body.
        signed_at bigint NOT NULL,
        body_sha256 bytea NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        alert_ids uuid[] NOT NULL DEFAULT '{}',
        created_count integer NOT NULL DEFAULT 0,
        PRIMARY KEY (endpoint_id, delivery_id)
      )`);
    // Pruning deletes by age.
    await q.query(`CREATE INDEX webhook_deliveries_received_idx ON webhook_deliveries (received_at)`);
    // One signed request is one delivery: re-sending it under a new delivery id is a replay.
    await q.query(
      `CREATE UNIQUE INDEX webhook_deliveries_signed_uq ON webhook_deliveries (endpoint_id, signed_at, body_sha256)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await q.query(`DROP TABLE IF EXISTS webhook_endpoints`);
  }
}
