import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_ROLE, SYSTEM_ROLE, UNPROTECTED_TABLES_SQL, unprotectedTablesParams } from './rls';
import { TenantDb } from './tenant-db';

export class TenantIsolationError extends Error {
  constructor(problems: string[]) {
    super(`refusing to start: tenant isolation is not in force\n  - ${problems.join('\n  - ')}`);
    this.name = 'TenantIsolationError';
  }
}

interface RoleRow {
  name: string;
  rolsuper: boolean;
  rolbypassrls: boolean;
  owns: number;
}

const ROLE_SQL = `
  SELECT r.rolname AS name, r.rolsuper, r.rolbypassrls,
         (SELECT count(*)::int FROM pg_class c
           WHERE c.relowner = r.oid AND c.relnamespace = current_schema()::regnamespace) AS owns
  FROM pg_roles r WHERE r.rolname = $1`;

/**
 * Run at start, after migrations: Cordon refuses to serve unless the roles its transactions run
 * as are neither superusers nor BYPASSRLS and own nothing, every tenant table is under forced
 * row-level security, and (on a real server) its login is no superuser either. PGlite's only
 * login is a superuser; there the per-transaction role switch is what holds.
 */
export async function verifyTenantIsolation(
  dataSource: DataSource,
  opts: { embedded: boolean; separateOwner: boolean },
): Promise<void> {
  const problems: string[] = [];
  const db = new TenantDb(dataSource);
  const login = await roleOf(dataSource.manager, 'session_user');
  if (!opts.embedded && login) {
    if (login.rolsuper) problems.push(`the login of DATABASE_URL (${login.name}) is a superuser`);
    if (login.rolbypassrls) problems.push(`the login of DATABASE_URL (${login.name}) has BYPASSRLS`);
    if (opts.separateOwner && login.owns > 0)
      problems.push(
        `the login of DATABASE_URL (${login.name}) owns tables; with DATABASE_OWNER_URL set it must own nothing`,
      );
  }
  for (const [expected, enter] of [
    [APP_ROLE, (work: (em: EntityManager) => Promise<RoleRow | null>) => db.run(randomUUID(), work)],
    [SYSTEM_ROLE, (work: (em: EntityManager) => Promise<RoleRow | null>) => db.system(work)],
  ] as const) {
    let role: RoleRow | null;
    try {
      role = await enter((em) => roleOf(em, 'current_user'));
    } catch (err) {
      problems.push(
        `cannot switch to ${expected} (${(err as Error).message}): GRANT ${expected} TO ${login?.name ?? 'the login'}`,
      );
      continue;
    }
    if (!role || role.name !== expected) problems.push(`transactions do not run as ${expected}`);
    else {
      if (role.rolsuper) problems.push(`${expected} is a superuser`);
      if (role.rolbypassrls) problems.push(`${expected} has BYPASSRLS`);
      if (role.owns > 0) problems.push(`${expected} owns ${role.owns} relation(s); it must own nothing`);
    }
  }
  const unprotected = await dataSource.query<{ table: string; problem: string }[]>(
    UNPROTECTED_TABLES_SQL,
    unprotectedTablesParams(),
  );
  for (const t of unprotected) problems.push(`table ${t.table}: ${t.problem}`);
  if (problems.length) throw new TenantIsolationError(problems);
}

async function roleOf(em: EntityManager, which: 'session_user' | 'current_user'): Promise<RoleRow | null> {
  const [{ name }] = await em.query<{ name: string }[]>(`SELECT ${which} AS name`);
  const rows = await em.query<RoleRow[]>(ROLE_SQL, [name]);
  return rows[0] ?? null;
}
