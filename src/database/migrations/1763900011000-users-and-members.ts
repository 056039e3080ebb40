import type { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_TENANT = `NULLIF(current_setting('cordon.tenant_id', true), '')::uuid`;

/**
 * People who sign in with an OIDC provider's JWT. `users` belongs to no tenant (one analyst of
 * the MDR provider serves many): it is keyed by the provider's issuer and subject, and only
 * cordon_system (sign-in, membership management) reads or writes it, never a tenant transaction.
 * `tenant_members` says which tenants a user may act in, and with which role; it is a tenant
 * table like any other, plus the read that sign-in needs before a tenant is known.
 */
export class UsersAndMembers1763900011000 implements MigrationInterface {
  name = 'UsersAndMembers1763900011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        issuer text NOT NULL,
        subject text NOT NULL,
        email text,
        display_name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz,
        UNIQUE (issuer, subject)
      )`);
    // addTenantMember(email): addresses compare without case.
    await q.query(`CREATE INDEX users_email_idx ON users (lower(email))`);
    await q.query(`
      CREATE TABLE tenant_members (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('viewer','analyst','responder','admin')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, user_id)
      )`);
    await q.query(`CREATE INDEX tenant_members_user_idx ON tenant_members (user_id)`);

    // The default privileges of 1763900009000 gave cordon_app every new table: not this one.
    await q.query(`REVOKE ALL ON users FROM cordon_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON users TO cordon_system`);
    // Forced RLS on users too, so that even the owner reads it only through a policy.
    await q.query(`ALTER TABLE users ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE users FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY system_users ON users TO cordon_system USING (true) WITH CHECK (true)`);

    await q.query(`ALTER TABLE tenant_members ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE tenant_members FORCE ROW LEVEL SECURITY`);
    await q.query(
      `CREATE POLICY tenant_isolation ON tenant_members
         USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT})`,
    );
    // Sign-in: a token names a user, not a tenant; which tenants is what this read finds out.
    await q.query(`GRANT SELECT ON tenant_members TO cordon_system`);
    await q.query(
      `CREATE POLICY system_authenticate ON tenant_members FOR SELECT TO cordon_system USING (true)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS tenant_members`);
    await q.query(`DROP TABLE IF EXISTS users`);
  }
}
