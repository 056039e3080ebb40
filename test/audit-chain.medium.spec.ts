import type { EntityManager } from 'typeorm';
import { sha256Hex, type AuditEvent } from '../src/audit/audit-chain';
import { verifyAuditLog } from '../src/audit/audit-verifier';
import { AuditWriter } from '../src/audit/audit-writer';
import { TENANT_SETTING } from '../src/database/rls';
import { migratedDatabase, type MigratedDatabase } from './support/database';

/**
 * The audit log's hash chains on a real database (PostgreSQL with DATABASE_URL, else PGlite):
 * appends, concurrent appends, the provider chain, tampering found and named, and the app's
 * roles unable to change or remove a row.
 */
describe('audit log chain', () => {
  let m: MigratedDatabase;
  let writer: AuditWriter;

  const event = (n: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
    actor: { id: 'apikey:test', kind: 'apiKey', name: 'tester' },
    action: `mutation.test${n}`,
    target: { type: 'Case', id: `case-${n}` },
    requestId: `req-${n}`,
    outcome: 'SUCCESS',
    changeDigest: null,
    ...extra,
  });

  beforeAll(async () => {
    m = await migratedDatabase();
    writer = new AuditWriter(m.db);
  });

  afterAll(() => m?.close());

  /** As the schema owner, acting for a tenant (the owner is subject to the forced policies too). */
  const asOwner = (tenantId: string, work: (em: EntityManager) => Promise<unknown>) =>
    m.dataSource.transaction(async (em) => {
      await em.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [tenantId]);
      await work(em);
    });

  const reportOf = async (tenantId: string) => (await verifyAuditLog(m.db, { tenantId }))[0];

  async function tenantWithChain(length: number): Promise<{ tenantId: string; ids: string[] }> {
    const tenantId = await m.newTenant();
    const ids: string[] = [];
    for (let i = 1; i <= length; i++) ids.push((await writer.record(tenantId, event(i))).id);
    return { tenantId, ids };
  }

  it('appends rows that chain from the genesis hash, one sequence per tenant', async () => {
    const a = await m.newTenant();
    const b = await m.newTenant();
    const first = await writer.record(a, event(1));
    const second = await writer.record(a, event(2, { outcome: 'FAILURE', detail: { code: 'FORBIDDEN' } }));
    const otherTenant = await writer.record(b, event(1));
    expect(first).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(otherTenant).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
    expect(second.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await reportOf(a)).toEqual({
      tenantId: a,
      tenantName: expect.any(String),
      count: 2,
      broken: null,
    });
    // Each tenant sees its own chain only.
    const seen = await m.db.run(b, (em) => em.query<{ id: string }[]>(`SELECT id FROM audit_log`));
    expect(seen.map((r) => r.id)).toEqual([otherTenant.id]);
  });

  it('keeps the chain valid under concurrent appends', async () => {
    const tenantId = await m.newTenant();
    const rows = await Promise.all(Array.from({ length: 24 }, (_, i) => writer.record(tenantId, event(i))));
    expect(rows.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await reportOf(tenantId)).toMatchObject({ count: 24, broken: null });
  });

  it('sends an append with its transaction’s commit: it lands with the change or not at all', async () => {
    const tenantId = await m.newTenant();
    const count = async () =>
      (
        await m.db.run(tenantId, (em) =>
          em.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_log`),
        )
      )[0].n;
    await expect(
      m.db.run(tenantId, async (em) => {
        writer.append(em, tenantId, event(1));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await count()).toBe(0);
    // Concurrent transactions, each appending twice before it commits: one valid chain.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        m.db.run(tenantId, async (em) => {
          writer.append(em, tenantId, event(i));
          await em.query(`SELECT pg_sleep(0.002)`);
          writer.append(em, tenantId, event(100 + i));
        }),
      ),
    );
    expect(await reportOf(tenantId)).toMatchObject({ count: 24, broken: null });
    // An append that fails fails the commit, and the transaction's other writes go with it.
    await expect(
      m.db.run(tenantId, async (em) => {
        await em.query(
          `INSERT INTO cases (tenant_id, number, title, severity, status) VALUES ($1, 9001, 'kept?', 'LOW', 'OPEN')`,
          [tenantId],
        );
        writer.append(em, tenantId, event(1, { outcome: 'NOT_AN_OUTCOME' as never }));
      }),
    ).rejects.toThrow();
    expect(await m.db.run(tenantId, (em) => em.query(`SELECT id FROM cases WHERE number = 9001`))).toEqual(
      [],
    );
    expect(await reportOf(tenantId)).toMatchObject({ count: 24, broken: null });
  });

  it('refuses a row whose content reached the database other than it was hashed', async () => {
    const tenantId = await m.newTenant();
    const call = (digest: string) =>
      m.db.statement(
        tenantId,
        `SELECT * FROM cordon_audit_append(gen_random_uuid(), $1, 'a', 'apiKey', 'n', 'mutation.x', NULL, NULL, NULL,
                                           now(), 'SUCCESS', NULL, '{}', $2, $3, $4)`,
        [tenantId, '{"action":"mutation.x","seq":', ',"tenantId":null}', digest],
      );
    await expect(call(sha256Hex('{"action":"mutation.y","seq":\n,"tenantId":null}'))).rejects.toThrow(
      /received other content than was hashed/,
    );
    expect(await reportOf(tenantId)).toMatchObject({ count: 0, broken: null });
    await expect(call(sha256Hex('{"action":"mutation.x","seq":\n,"tenantId":null}'))).resolves.toHaveLength(
      1,
    );
  });

  it('writes the provider chain (no tenant) as cordon_system, invisible to tenants', async () => {
    const row = await writer.record(null, event(0, { action: 'auth.login_failed', outcome: 'FAILURE' }));
    expect(row.tenantId).toBeNull();
    const provider = (await verifyAuditLog(m.db)).find((r) => r.tenantId === null);
    expect(provider).toMatchObject({ broken: null });
    expect(provider!.count).toBeGreaterThanOrEqual(1);
    const tenantId = await m.newTenant();
    const seen = await m.db.run(tenantId, (em) => em.query<unknown[]>(`SELECT id FROM audit_log`));
    expect(seen).toEqual([]);
    // A tenant transaction cannot write into the provider chain.
    await expect(
      m.db.run(tenantId, (em) =>
        em.query(
          `INSERT INTO audit_log (id, tenant_id, seq, actor_id, actor_kind, actor_name, action, created_at, outcome, prev_hash, hash)
           VALUES (gen_random_uuid(), NULL, 999, 'x', 'x', 'x', 'x', now(), 'SUCCESS', 'x', 'x')`,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('names the first row whose content was edited', async () => {
    const { tenantId, ids } = await tenantWithChain(5);
    await asOwner(tenantId, (em) =>
      em.query(`UPDATE audit_log SET action = 'mutation.nothingToSee' WHERE id = $1`, [ids[2]]),
    );
    expect((await reportOf(tenantId)).broken).toEqual({
      seq: 3,
      id: ids[2],
      problem: expect.stringMatching(/hash does not match the row content/),
    });
  });

  it('names the row after a deleted one', async () => {
    const { tenantId, ids } = await tenantWithChain(5);
    await asOwner(tenantId, (em) => em.query(`DELETE FROM audit_log WHERE id = $1`, [ids[1]]));
    expect((await reportOf(tenantId)).broken).toEqual({
      seq: 3,
      id: ids[2],
      problem: expect.stringMatching(/sequence 2 is missing/),
    });
  });

  it('finds a deletion hidden by renumbering the rows after it', async () => {
    const { tenantId, ids } = await tenantWithChain(4);
    await asOwner(tenantId, async (em) => {
      await em.query(`DELETE FROM audit_log WHERE id = $1`, [ids[1]]);
      for (const [id, seq] of [
        [ids[2], 2],
        [ids[3], 3],
      ] as const)
        await em.query(`UPDATE audit_log SET seq = $2 WHERE id = $1`, [id, seq]);
    });
    const broken = (await reportOf(tenantId)).broken;
    expect(broken).toMatchObject({ seq: 2, id: ids[2] });
  });

  it('names the first of two reordered rows', async () => {
    const { tenantId, ids } = await tenantWithChain(5);
    await asOwner(tenantId, async (em) => {
      await em.query(`UPDATE audit_log SET seq = 1000 WHERE id = $1`, [ids[1]]);
      await em.query(`UPDATE audit_log SET seq = 2 WHERE id = $1`, [ids[2]]);
      await em.query(`UPDATE audit_log SET seq = 3 WHERE id = $1`, [ids[1]]);
    });
    expect((await reportOf(tenantId)).broken).toEqual({
      seq: 2,
      id: ids[2],
      problem: expect.stringMatching(/prev_hash does not match the hash of sequence 1/),
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE to the app role and the system role', async () => {
    const { tenantId, ids } = await tenantWithChain(1);
    const attempts = [
      `UPDATE audit_log SET outcome = 'FAILURE' WHERE id = '${ids[0]}'`,
      `DELETE FROM audit_log WHERE id = '${ids[0]}'`,
      `TRUNCATE audit_log`,
    ];
    for (const sql of attempts) {
      await expect(m.db.run(tenantId, (em) => em.query(sql))).rejects.toThrow(/permission denied/);
      await expect(m.db.system((em) => em.query(sql))).rejects.toThrow(/permission denied/);
    }
    expect(await reportOf(tenantId)).toMatchObject({ count: 1, broken: null });
  });
});
