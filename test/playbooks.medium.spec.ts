import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppError } from '../src/common/errors/app-error';
import { actionCatalogue } from '../src/playbooks/action-catalogue';
import { PlaybooksService } from '../src/playbooks/playbooks.service';
import { migratedDatabase, type MigratedDatabase } from './support/database';

const playbook = (id: string, trigger: string, ...steps: string[]) =>
  [
    `id: ${id}`,
    `name: ${id}`,
    `trigger: ${trigger}`,
    'steps:',
    ...(steps.length ? steps : ['  - { id: a, action: edr.find_host }']),
  ].join('\n');

const SHIPPED_HIGH = playbook('auto-contain', '{ event: alert.created, when: severity = "HIGH" }');
const SHIPPED_MANUAL = playbook('by-hand', '{ event: manual }');

/**
 * The playbook lifecycle on a real database (PostgreSQL with DATABASE_URL, else PGlite):
 * immutable versions by content hash, per-tenant overrides of shipped playbooks, per-tenant
 * enabling, and what alert triggers see.
 */
describe('playbook definitions on a real database', () => {
  let m: MigratedDatabase;
  let service: PlaybooksService;
  let shippedDir: string;

  beforeAll(async () => {
    m = await migratedDatabase();
    shippedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-shipped-'));
    fs.writeFileSync(path.join(shippedDir, 'auto-contain.yaml'), SHIPPED_HIGH);
    fs.writeFileSync(path.join(shippedDir, 'by-hand.yaml'), SHIPPED_MANUAL);
    service = new PlaybooksService(m.db, actionCatalogue([]));
    await service.loadShipped(shippedDir);
  });

  afterAll(async () => {
    await m?.close();
    if (shippedDir) fs.rmSync(shippedDir, { recursive: true, force: true });
  });

  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if (err instanceof AppError) return { code: err.code, details: err.details };
      throw err;
    }
    return { code: 'OK' };
  };
  const triggered = async (tenantId: string, severity: string) =>
    (await service.triggeredBy(tenantId, 'alert.created', { severity })).map(
      (v) => `${v.playbookId}:${v.origin}`,
    );

  it('gives every tenant the shipped playbooks, enabled, with one version each', async () => {
    const tenantId = await m.newTenant();
    const list = await service.list(tenantId);
    expect(list.map((p) => [p.playbookId, p.enabled, p.version.origin, p.versionsCount])).toEqual([
      ['auto-contain', true, 'shipped', 1],
      ['by-hand', true, 'shipped', 1],
    ]);
    expect(await triggered(tenantId, 'HIGH')).toEqual(['auto-contain:shipped']);
    expect(await triggered(tenantId, 'LOW')).toEqual([]);
    // Loading the same files again stores nothing new.
    await service.loadShipped(shippedDir);
    expect((await service.list(tenantId)).map((p) => p.versionsCount)).toEqual([1, 1]);
  });

  it('saves an immutable version per content hash: the same content again is the same version', async () => {
    const tenantId = await m.newTenant();
    const source = playbook('own', '{ event: manual }');
    const first = await service.save(tenantId, source);
    const again = await service.save(tenantId, source);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, activeVersionId: first.version.id });
    expect(again.version.id).toBe(first.version.id);
    expect(first.version).toMatchObject({ tenantId, playbookId: 'own', origin: 'saved', source });
    expect(first.version.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await service.get(tenantId, 'own')).versionsCount).toBe(1);
    // Another tenant saving the same text gets its own version.
    const other = await m.newTenant();
    expect((await service.save(other, source)).version.id).not.toBe(first.version.id);
    // A run pins a version by id; it stays readable whatever is saved later.
    await service.save(tenantId, `${source}\n# v2`);
    expect((await service.version(first.version.id)).source).toBe(source);
  });

  it("lets a tenant's newest saved version override a shipped playbook for that tenant only", async () => {
    const [a, b] = [await m.newTenant(), await m.newTenant()];
    const low = playbook('auto-contain', '{ event: alert.created, when: severity = "LOW" }');
    const v1 = await service.save(a, low);
    expect(await triggered(a, 'LOW')).toEqual(['auto-contain:saved']);
    expect(await triggered(a, 'HIGH')).toEqual([]);
    expect(await triggered(b, 'HIGH')).toEqual(['auto-contain:shipped']);
    expect(await triggered(b, 'LOW')).toEqual([]);

    const medium = playbook('auto-contain', '{ event: alert.created, when: severity = "MEDIUM" }');
    const v2 = await service.save(a, medium);
    expect(await triggered(a, 'MEDIUM')).toEqual(['auto-contain:saved']);
    // Saving the older content again is idempotent: same version, and the newest stays active.
    const back = await service.save(a, low);
    expect(back).toMatchObject({ created: false, activeVersionId: v2.version.id });
    expect(back.version.id).toBe(v1.version.id);
    expect(await triggered(a, 'LOW')).toEqual([]);

    const summary = await service.get(a, 'auto-contain');
    expect(summary).toMatchObject({ versionsCount: 3, enabled: true });
    expect(summary.version.id).toBe(v2.version.id);
    expect(summary.shipped?.origin).toBe('shipped');
    expect((await service.versions(a, 'auto-contain')).map((v) => v.id)).toEqual([
      v2.version.id,
      v1.version.id,
      summary.shipped!.id,
    ]);
    // The other tenant sees none of it.
    expect((await service.versions(b, 'auto-contain')).map((v) => v.origin)).toEqual(['shipped']);
    expect((await service.get(b, 'auto-contain')).versionsCount).toBe(1);
    expect(await codeOf(service.get(b, 'never-saved'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('enables and disables per tenant, and triggers follow at once', async () => {
    const [a, b] = [await m.newTenant(), await m.newTenant()];
    expect(await triggered(a, 'HIGH')).toEqual(['auto-contain:shipped']);
    const off = await service.setEnabled(a, 'auto-contain', false);
    expect(off).toMatchObject({ playbookId: 'auto-contain', enabled: false });
    expect(await triggered(a, 'HIGH')).toEqual([]);
    expect(await triggered(b, 'HIGH')).toEqual(['auto-contain:shipped']);
    // A disabled playbook stays disabled when a new version is saved.
    await service.save(a, playbook('auto-contain', '{ event: alert.created }'));
    expect(await triggered(a, 'HIGH')).toEqual([]);
    expect((await service.get(a, 'auto-contain')).enabled).toBe(false);
    await service.setEnabled(a, 'auto-contain', true);
    expect(await triggered(a, 'LOW')).toEqual(['auto-contain:saved']);
    expect(await codeOf(service.setEnabled(a, 'nope', true))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("reads the active set inside the caller's transaction (the ingest outbox)", async () => {
    const tenantId = await m.newTenant();
    const found = await m.db.run(tenantId, (em) =>
      service.triggeredBy(tenantId, 'alert.created', { severity: 'HIGH' }, em),
    );
    expect(found.map((v) => v.playbookId)).toEqual(['auto-contain']);
  });

  it('refuses an invalid playbook with every problem, its line and step', async () => {
    const tenantId = await m.newTenant();
    const source = playbook(
      'broken',
      '{ event: manual }',
      '  - id: a',
      '    action: edr.isolate',
      '    timeout: soon',
    );
    const result = await codeOf(service.save(tenantId, source));
    expect(result).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: {
        field: 'source',
        problems: [
          { line: 6, stepId: 'a', message: expect.stringContaining('unknown action "edr.isolate"') },
          { line: 7, stepId: 'a', message: expect.stringContaining('timeout: must be a duration') },
        ],
      },
    });
    expect(await codeOf(service.get(tenantId, 'broken'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await service.validate(tenantId, source)).toMatchObject({ ok: false });
    expect(await service.validate(tenantId, SHIPPED_MANUAL)).toMatchObject({ ok: true });
  });

  it("checks child playbooks against the tenant's own, and refuses a cycle across them", async () => {
    const [a, b] = [await m.newTenant(), await m.newTenant()];
    await service.save(a, playbook('leaf', '{ event: manual }'));
    const parent = playbook('parent', '{ event: manual }', '  - id: go', '    playbook: leaf');
    await service.save(a, parent);
    // The other tenant has no "leaf".
    const elsewhere = await service.validate(b, parent);
    expect(elsewhere.ok ? [] : elsewhere.problems).toEqual([
      expect.objectContaining({ line: 6, message: expect.stringContaining('unknown playbook "leaf"') }),
    ]);
    const loop = playbook('leaf', '{ event: manual }', '  - id: back', '    playbook: parent');
    const refused = await codeOf(service.save(a, loop));
    expect(refused).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: {
        problems: [
          {
            line: 6,
            stepId: 'back',
            message: expect.stringContaining('child playbooks form a cycle leaf → parent → leaf'),
          },
        ],
      },
    });
  });
});
