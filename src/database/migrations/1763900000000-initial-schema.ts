import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The walking skeleton's schema. Every tenant-owned table carries tenant_id so row-level
 * security can be switched on table by table without reshaping data.
 */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        case_seq integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('viewer','analyst','responder','admin')),
        provider_admin boolean NOT NULL DEFAULT false,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);

    await q.query(`
      CREATE TABLE cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        number integer NOT NULL,
        title text NOT NULL,
        severity text NOT NULL,
        status text NOT NULL DEFAULT 'OPEN',
        assignee text,
        detected_at timestamptz,
        acknowledged_at timestamptz,
        contained_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, number)
      )`);
    await q.query(`CREATE INDEX cases_tenant_status_idx ON cases (tenant_id, status, created_at DESC)`);

    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        case_id uuid REFERENCES cases(id) ON DELETE SET NULL,
        source text NOT NULL,
        source_ref text,
        fingerprint text NOT NULL,
        title text NOT NULL,
        description text,
        severity text NOT NULL,
        status text NOT NULL DEFAULT 'NEW',
        techniques text[] NOT NULL DEFAULT '{}',
        raw jsonb,
        detected_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        duplicate_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX alerts_fingerprint_uq ON alerts (tenant_id, fingerprint)`);
    await q.query(`CREATE INDEX alerts_tenant_created_idx ON alerts (tenant_id, created_at DESC)`);
    await q.query(`CREATE INDEX alerts_case_idx ON alerts (case_id)`);

    await q.query(`
      CREATE TABLE observables (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        alert_id uuid NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        type text NOT NULL,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (alert_id, type, value)
      )`);
    await q.query(`CREATE INDEX observables_lookup_idx ON observables (tenant_id, type, value)`);

    await q.query(`
      CREATE TABLE playbook_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
        playbook_id text NOT NULL,
        content_hash text NOT NULL,
        name text NOT NULL,
        source text NOT NULL,
        definition jsonb NOT NULL,
        origin text NOT NULL CHECK (origin IN ('shipped','saved')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE NULLS NOT DISTINCT (tenant_id, playbook_id, content_hash)
      )`);

    await q.query(`
      CREATE TABLE playbook_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        playbook_id text NOT NULL,
        playbook_version_id uuid NOT NULL REFERENCES playbook_versions(id),
        workflow_id text NOT NULL UNIQUE,
        temporal_run_id text,
        case_id uuid REFERENCES cases(id) ON DELETE SET NULL,
        alert_id uuid REFERENCES alerts(id) ON DELETE SET NULL,
        trigger text NOT NULL,
        requested_by text NOT NULL,
        status text NOT NULL,
        input jsonb NOT NULL DEFAULT '{}',
        error jsonb,
        started_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX playbook_runs_tenant_idx ON playbook_runs (tenant_id, created_at DESC)`);
    await q.query(`CREATE INDEX playbook_runs_case_idx ON playbook_runs (case_id)`);
    // The dispatcher's sweep looks for runs that were queued but never reached Temporal.
    await q.query(
      `CREATE INDEX playbook_runs_queued_idx ON playbook_runs (created_at) WHERE status = 'QUEUED'`,
    );

    await q.query(`
      CREATE TABLE step_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        run_id uuid NOT NULL REFERENCES playbook_runs(id) ON DELETE CASCADE,
        step_id text NOT NULL,
        kind text NOT NULL,
        action text,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        input jsonb,
        output jsonb,
        error jsonb,
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (run_id, step_id)
      )`);

    await q.query(`
      CREATE TABLE approvals (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        run_id uuid NOT NULL REFERENCES playbook_runs(id) ON DELETE CASCADE,
        step_id text NOT NULL,
        case_id uuid REFERENCES cases(id) ON DELETE SET NULL,
        prompt text NOT NULL,
        approvers jsonb NOT NULL,
        quorum integer NOT NULL DEFAULT 1,
        status text NOT NULL DEFAULT 'PENDING',
        expires_at timestamptz,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (run_id, step_id)
      )`);
    await q.query(
      `CREATE INDEX approvals_tenant_status_idx ON approvals (tenant_id, status, created_at DESC)`,
    );
    await q.query(`
      CREATE TABLE approval_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        approval_id uuid NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('APPROVE','REJECT')),
        comment text,
        channel text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (approval_id, actor_id)
      )`);

    await q.query(`
      CREATE TABLE connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        integration_id text NOT NULL,
        name text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}',
        secrets_ciphertext bytea,
        wrapped_data_key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name)
      )`);
    await q.query(`
      CREATE TABLE capability_bindings (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        capability text NOT NULL,
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, capability)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'capability_bindings',
      'connections',
      'approval_decisions',
      'approvals',
      'step_runs',
      'playbook_runs',
      'playbook_versions',
      'observables',
      'alerts',
      'cases',
      'api_keys',
      'tenants',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
