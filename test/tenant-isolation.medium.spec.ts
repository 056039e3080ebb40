import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { TenantIsolationError, verifyTenantIsolation } from '../src/database/isolation-check';
import {
  APP_ROLE,
  GLOBAL_TABLES,
  SYSTEM_ROLE,
  TENANT_SETTING,
  UNPROTECTED_TABLES_SQL,
  unprotectedTablesParams,
} from '../src/database/rls';
import { TenantDb } from '../src/database/tenant-db';
import { migratedDatabase, type MigratedDatabase } from './support/database';

/**
 * Row-level security on a real database (PostgreSQL with DATABASE_URL, else PGlite): every
 * tenant table is isolated, a transaction without a tenant sees nothing, a pooled connection
 * forgets its tenant, and another tenant's id cannot be written.
 */
describe('tenant isolation in the database', () => {
  let m: MigratedDatabase;
  let a: string;
  let b: string;

  beforeAll(async () => {
    m = await migratedDatabase();
    a = await m.newTenant();
    b = await m.newTenant();
    for (const [tenant, title] of [
      [a, 'alert of A'],
      [b, 'alert of B'],
    ])
      await m.db.run(tenant, (em) => insertAlert(em, tenant, title));
  });

  afterAll(() => m?.close());

  const alertTitles = (em: EntityManager) =>
    em
      .query<{ title: string }[]>(`SELECT title FROM alerts ORDER BY title`)
      .then((r) => r.map((x) => x.title));

  it('puts every table with a tenant_id column under forced RLS with a tenant policy', async () => {
    // The CI check: a new tenant table without RLS, FORCE and a policy on cordon.tenant_id fails here.
    const columns = await m.dataSource.query<{ table_name: string }[]>(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
        ORDER BY 1`,
    );
    const tables = [...columns.map((c) => c.table_name), 'tenants'];
    expect(tables).toEqual(expect.arrayContaining(['alerts', 'cases', 'api_keys', 'connections']));
    const state = await m.dataSource.query<
      {
        relname: string;
        relrowsecurity: boolean;
        relforcerowsecurity: boolean;
        qual: string | null;
        with_check: string | null;
      }[]
    >(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, p.qual, p.with_check
         FROM pg_class c
         LEFT JOIN pg_policies p ON p.schemaname = current_schema() AND p.tablename = c.relname
                                 AND p.policyname = 'tenant_isolation' AND p.cmd = 'ALL'
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1::text[])`,
      [tables],
    );
    const missing = state
      .filter(
        (t) =>
          !t.relrowsecurity ||
          !t.relforcerowsecurity ||
          !t.qual?.includes(TENANT_SETTING) ||
          !t.with_check?.includes(TENANT_SETTING),
      )
      .map((t) => t.relname);
    expect(state).toHaveLength(tables.length);
    expect(missing).toEqual([]);
    // And nothing else in the schema escapes: every table is tenant-scoped or declared global.
    expect(await m.dataSource.query(UNPROTECTED_TABLES_SQL, unprotectedTablesParams())).toEqual([]);
    expect(GLOBAL_TABLES).toEqual(['schema_migrations', 'users']);
  });

  it('refuses to start when a tenant table lacks RLS, naming it', async () => {
    await m.dataSource.query(`CREATE TABLE rls_probe (id int, tenant_id uuid)`);
    try {
      const failure = await verifyTenantIsolation(m.dataSource, {
        embedded: m.embedded,
        separateOwner: false,
      }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TenantIsolationError);
      expect((failure as Error).message).toContain('table rls_probe: row-level security is not enabled');
    } finally {
      await m.dataSource.query(`DROP TABLE rls_probe`);
    }
  });

  it('runs tenant work as cordon_app and system work as cordon_system, neither privileged', async () => {
    const who = (em: EntityManager) =>
      em.query<{ name: string; rolsuper: boolean; rolbypassrls: boolean }[]>(
        `SELECT rolname AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
      );
    expect(await m.db.run(a, who)).toEqual([{ name: APP_ROLE, rolsuper: false, rolbypassrls: false }]);
    expect(await m.db.system(who)).toEqual([{ name: SYSTEM_ROLE, rolsuper: false, rolbypassrls: false }]);
  });

  it('shows a tenant its own rows only', async () => {
    expect(await m.db.run(a, alertTitles)).toEqual(['alert of A']);
    expect(await m.db.run(b, alertTitles)).toEqual(['alert of B']);
    // The same in a one-round-trip statement, whose scope goes in the same simple query.
    expect(await m.db.statement(a, `SELECT title, current_user AS role FROM alerts`, [])).toEqual([
      { title: 'alert of A', role: APP_ROLE },
    ]);
    expect(await m.db.systemStatement(`SELECT current_user AS role`, [])).toEqual([{ role: SYSTEM_ROLE }]);
  });

  it('sends a one-round-trip statement’s values as exactly the values given', async () => {
    // Its parameters are written into the text as literals: quotes, backslashes, dollar
    // quotes, comments and non-ASCII text must arrive as data, never as SQL.
    const tricky = [
      `it's`,
      `'); DROP TABLE alerts; --`,
      `back\\slash \\' and \\\\`,
      `$$ dollar $$ $1 $tag$`,
      `/* open comment`,
      `line\nbreak\ttab`,
      `naïve 漢字 🚨`,
      `E'\\x41'`,
      '',
    ];
    for (const text of tricky) {
      const [row] = await m.db.statement<{ v: string; n: number; b: boolean; t: Date; z: null }>(
        a,
        `SELECT $1::text AS v, 3 -$2 AS n, $3::boolean AS b, $4::timestamptz AS t, $5::text AS z`,
        [text, -4, true, new Date('2026-11-24T10:00:00.123Z'), null],
      );
      expect(row).toEqual({ v: text, n: 7, b: true, t: new Date('2026-11-24T10:00:00.123Z'), z: null });
    }
    await expect(m.db.statement(a, `SELECT $1::text`, ['nul \0 inside'])).rejects.toThrow(/NUL/);
    await expect(m.db.statement(a, `SELECT $2::text`, ['one'])).rejects.toThrow(/no value for \$2/);
    expect(await m.db.run(a, alertTitles)).toEqual(['alert of A']);
    // Lists are written as ARRAY[…] of the same literals, typed by the statement.
    const [arrays] = await m.db.statement<{ v: string[]; n: number[]; e: string[]; d: Date[] }>(
      a,
      `SELECT $1::text[] AS v, $2::int[] AS n, $3::uuid[] AS e, $4::timestamptz[] AS d`,
      [tricky, [1, -2, 3], [], [new Date('2026-11-25T01:00:00.000Z'), null]],
    );
    expect(arrays).toEqual({
      v: tricky,
      n: [1, -2, 3],
      e: [],
      d: [new Date('2026-11-25T01:00:00.000Z'), null],
    });
  });

  it('gives back what a statement sent with COMMIT returned, once committed', async () => {
    const sent = await m.db.run(a, async (em) => {
      const committed = m.db.atCommit<{ n: number; title: string }>(
        em,
        `SELECT count(*)::int AS n, min(title) AS title FROM alerts WHERE title = ANY($1::text[])`,
        [['alert of A', 'alert of B']],
      );
      // Nothing exists before the commit; reading early is an error, not an empty list.
      expect(() => committed.rows).toThrow(/once the transaction has committed/);
      return committed;
    });
    // Row-level security held in the commit message too: A's alert only.
    expect(sent.rows).toEqual([{ n: 1, title: 'alert of A' }]);
  });

  it('returns no rows when no tenant is set', async () => {
    const asApp = await m.dataSource.transaction(async (em) => {
      await em.query(`SELECT set_config('role', $1, true)`, [APP_ROLE]);
      return alertTitles(em);
    });
    expect(asApp).toEqual([]);
    // The owner is bound by the policies too (FORCE). PGlite's login is a superuser, exempt by nature.
    if (!m.embedded) expect(await alertTitles(m.dataSource.manager)).toEqual([]);
  });

  it('gives the system role nothing beyond its enumerated paths', async () => {
    await expect(m.db.system(alertTitles)).rejects.toThrow(/permission denied/);
    await expect(
      m.db.system((em) => em.query(`UPDATE tenants SET name = 'x' WHERE id = $1`, [a])),
    ).rejects.toThrow(/permission denied/);
    // Pruning may read when a delivery arrived, nothing else about it.
    await expect(m.db.system((em) => em.query(`SELECT body_sha256 FROM webhook_deliveries`))).rejects.toThrow(
      /permission denied/,
    );
    // The sweep sees queued runs only.
    expect(
      await m.db.system((em) => em.query(`SELECT id FROM playbook_runs WHERE status <> 'QUEUED'`)),
    ).toEqual([]);
  });

  it('keeps users from tenant transactions and memberships within their tenant', async () => {
    const [{ id: user }] = await m.db.system((em) =>
      em.query<{ id: string }[]>(
        `INSERT INTO users (issuer, subject) VALUES ('https://idp.example/', $1) RETURNING id`,
        [`medium-${process.pid}`],
      ),
    );
    // Users belong to no tenant: a tenant transaction may not even read them.
    await expect(m.db.run(a, (em) => em.query(`SELECT id FROM users`))).rejects.toThrow(/permission denied/);
    const addMember = (em: EntityManager, tenant: string) =>
      em.query(
        `INSERT INTO tenant_members (tenant_id, user_id, role, created_by) VALUES ($1, $2, 'viewer', 'test')`,
        [tenant, user],
      );
    await m.db.run(a, (em) => addMember(em, a));
    await expect(m.db.run(b, (em) => addMember(em, a))).rejects.toThrow(/row-level security/);
    expect(await m.db.run(b, (em) => em.query(`SELECT id FROM tenant_members`))).toEqual([]);
    // Sign-in reads a user's memberships across tenants, and may change none of them.
    expect(
      await m.db.system((em) => em.query(`SELECT tenant_id FROM tenant_members WHERE user_id = $1`, [user])),
    ).toEqual([{ tenant_id: a }]);
    await expect(m.db.system((em) => em.query(`DELETE FROM tenant_members`))).rejects.toThrow(
      /permission denied/,
    );
  });

  it('rejects writing another tenant’s id, and cannot touch its rows', async () => {
    await expect(m.db.run(a, (em) => insertAlert(em, b, 'planted in B'))).rejects.toThrow(
      /row-level security/,
    );
    const [, moved] = await m.db.run(a, (em) =>
      em
        .query(`UPDATE alerts SET tenant_id = $1 WHERE tenant_id = $2`, [b, a])
        .catch((e: unknown) => [[], e]),
    );
    expect(moved).toBeInstanceOf(QueryFailedError);
    const [, changed] = await m.db.run(a, (em) =>
      em.query<[unknown[], number]>(`UPDATE alerts SET title = 'changed by A' WHERE tenant_id = $1`, [b]),
    );
    expect(changed).toBe(0);
    expect(await m.db.run(b, alertTitles)).toEqual(['alert of B']);
    // Its own tenant row, and no other.
    expect(await m.db.run(a, (em) => em.query(`SELECT id FROM tenants`))).toEqual([{ id: a }]);
  });

  it('refuses a row of one tenant hung on a parent of another, even by id', async () => {
    // Row-level security sees only the tenant_id written; the key on (tenant_id, parent) makes
    // an observable or timeline entry of B that points at A's alert or case unwritable.
    const [alertOfA] = await m.db.run(a, (em) => em.query<{ id: string }[]>(`SELECT id FROM alerts`));
    const [caseOfA] = await m.db.run(a, (em) =>
      em.query<{ id: string }[]>(
        `INSERT INTO cases (tenant_id, number, title, severity) VALUES ($1, 9001, 'case of A', 'LOW') RETURNING id`,
        [a],
      ),
    );
    await expect(
      m.db.run(b, (em) =>
        em.query(
          `INSERT INTO observables (tenant_id, alert_id, type, value) VALUES ($1, $2, 'IP', '192.0.2.9')`,
          [b, alertOfA.id],
        ),
      ),
    ).rejects.toThrow(/observables_alert_fkey/);
    await expect(
      m.db.run(b, (em) =>
        em.query(
          `INSERT INTO case_events (tenant_id, case_id, kind, actor) VALUES ($1, $2, 'COMMENT', 'x')`,
          [b, caseOfA.id],
        ),
      ),
    ).rejects.toThrow(/case_events_case_fkey/);
    // The same rows under their parent's own tenant are fine.
    await m.db.run(a, async (em) => {
      await em.query(
        `INSERT INTO observables (tenant_id, alert_id, type, value) VALUES ($1, $2, 'IP', '192.0.2.9')`,
        [a, alertOfA.id],
      );
      await em.query(
        `INSERT INTO case_events (tenant_id, case_id, kind, actor) VALUES ($1, $2, 'COMMENT', 'x')`,
        [a, caseOfA.id],
      );
    });
  });

  it('checks an alert’s case at commit: a case that never came is refused then', async () => {
    // Ingest writes alerts before it numbers their new cases; the key still holds at commit.
    await expect(
      m.db.run(a, (em) =>
        em.query(
          `INSERT INTO alerts (tenant_id, case_id, source, fingerprint, title, severity, detected_at, last_seen_at)
           VALUES ($1, gen_random_uuid(), 'edr', md5(random()::text), 'orphan', 'LOW', now(), now())`,
          [a],
        ),
      ),
    ).rejects.toThrow(/alerts_case_id_fkey/);
    expect(await m.db.run(a, alertTitles)).toEqual(['alert of A']);
  });

  it('lets every tenant read shipped playbooks but none change them', async () => {
    const id = await m.db.system(async (em) => {
      const rows = await em.query<{ id: string }[]>(
        `INSERT INTO playbook_versions (tenant_id, playbook_id, content_hash, name, source, definition, origin)
         VALUES (NULL, 'probe', 'h1', 'Probe', 'id: probe', '{}', 'shipped') RETURNING id`,
      );
      return rows[0].id;
    });
    const seen = await m.db.run(a, (em) => em.query(`SELECT id FROM playbook_versions WHERE id = $1`, [id]));
    expect(seen).toEqual([{ id }]);
    const [, updated] = await m.db.run(a, (em) =>
      em.query<[unknown[], number]>(`UPDATE playbook_versions SET name = 'mine' WHERE id = $1`, [id]),
    );
    expect(updated).toBe(0);
    await expect(
      m.db.system((em) =>
        em.query(
          `INSERT INTO playbook_versions (tenant_id, playbook_id, content_hash, name, source, definition, origin)
           VALUES ($1, 'probe', 'h2', 'Probe', 'id: probe', '{}', 'saved')`,
          [a],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('does not carry a tenant from one transaction into the next on a pool of one connection', async () => {
    // PGlite already serves one connection; on a server, open a pool of exactly one.
    const url = (m.dataSource.options as { url: string }).url;
    const single = m.embedded
      ? m.dataSource
      : await new DataSource(dataSourceOptions({ url, poolSize: 1, embedded: false })).initialize();
    try {
      const db = new TenantDb(single);
      // After set_config(…, true) the setting reads '' (or NULL if never set): no tenant.
      const leftover = () =>
        single.query<{ tenant: string; role: string }[]>(
          `SELECT coalesce(current_setting('${TENANT_SETTING}', true), '') AS tenant, current_user AS role`,
        );
      const login = (await leftover())[0].role;
      expect(await db.run(a, alertTitles)).toEqual(['alert of A']);
      expect(await leftover()).toEqual([{ tenant: '', role: login }]);
      expect(await db.run(b, alertTitles)).toEqual(['alert of B']);
      // A transaction that fails midway leaves nothing behind either.
      await expect(
        db.run(a, async (em) => {
          await alertTitles(em);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await leftover()).toEqual([{ tenant: '', role: login }]);
      // A one-round-trip statement is a transaction of its own: its scope ends with it, and a
      // failing one leaves neither its scope nor a half-done write.
      expect(await db.statement(b, `SELECT title FROM alerts ORDER BY title`, [])).toEqual([
        { title: 'alert of B' },
      ]);
      expect(await leftover()).toEqual([{ tenant: '', role: login }]);
      await expect(
        db.statement(
          a,
          `WITH w AS (INSERT INTO alerts (tenant_id, source, fingerprint, title, severity, detected_at, last_seen_at)
                      VALUES ($1, 'edr', 'f', 'half-written', 'LOW', now(), now()) RETURNING id)
           SELECT 1 / 0 FROM w`,
          [a],
        ),
      ).rejects.toThrow(QueryFailedError);
      expect(await leftover()).toEqual([{ tenant: '', role: login }]);
      expect(await db.run(a, alertTitles)).toEqual(['alert of A']);
      // A transaction opened with its first statement: the statement runs in the scope, in the
      // same transaction as the work; a failure in either leaves nothing, neither scope nor write.
      const halfWritten = {
        sql: `INSERT INTO alerts (tenant_id, source, fingerprint, title, severity, detected_at, last_seen_at)
              VALUES ($1, 'edr', 'f', $2, 'LOW', now(), now()) RETURNING title`,
        params: [a, 'opened with it'],
      };
      const seenInWork = await db
        .runFrom<{ title: string }, string[]>(a, halfWritten, async (em, rows) => {
          expect(rows).toEqual([{ title: 'opened with it' }]);
          const titles = await alertTitles(em);
          throw Object.assign(new Error('undo'), { titles });
        })
        .catch((err: { titles: string[] }) => err.titles);
      expect(seenInWork).toEqual(['alert of A', 'opened with it']);
      expect(await leftover()).toEqual([{ tenant: '', role: login }]);
      expect(await db.run(a, alertTitles)).toEqual(['alert of A']);
      // Another tenant's id in the first statement is refused by the policy, and work never runs.
      let ran = false;
      await expect(
        db.runFrom(b, halfWritten, async () => {
          ran = true;
        }),
      ).rejects.toThrow(QueryFailedError);
      expect(ran).toBe(false);
      expect(await leftover()).toEqual([{ tenant: '', role: login }]);
      expect(
        await db.runFrom(b, { sql: `SELECT title FROM alerts`, params: [] }, async (_em, rows) => rows),
      ).toEqual([{ title: 'alert of B' }]);
      const none = await single.transaction(async (em) => {
        await em.query(`SELECT set_config('role', $1, true)`, [APP_ROLE]);
        return alertTitles(em);
      });
      expect(none).toEqual([]);
    } finally {
      if (single !== m.dataSource) await single.destroy();
    }
  });
});

async function insertAlert(em: EntityManager, tenantId: string, title: string): Promise<void> {
  await em.query(
    `INSERT INTO alerts (tenant_id, source, fingerprint, title, severity, detected_at, last_seen_at)
     VALUES ($1, 'edr', md5(random()::text), $2, 'LOW', now(), now())`,
    [tenantId, title],
  );
}
