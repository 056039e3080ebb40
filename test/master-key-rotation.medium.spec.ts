import { randomBytes } from 'node:crypto';
import { AuditWriter } from '../src/audit/audit-writer';
import { loadConfig } from '../src/config/config';
import { ConnectionsService } from '../src/integrations/connections.service';
import type { ConnectionEntity } from '../src/integrations/entities/connection.entity';
import { IntegrationsService } from '../src/integrations/integrations.service';
import { MasterKeyring, masterKeyId } from '../src/integrations/master-keyring';
import { MasterKeyRotation } from '../src/integrations/master-key-rotation';
import { MasterKeyError, SecretBox } from '../src/integrations/secret-box';
import { WebhookEndpointsService } from '../src/webhooks/webhook-endpoints.service';
import { signWebhook } from '../src/webhooks/webhook-signature';
import { migratedDatabase, type MigratedDatabase } from './support/database';

const OLD = randomBytes(32);
const NEW = randomBytes(32);

/**
 * Master-key rotation on a real database (PostgreSQL with DATABASE_URL, else PGlite), through the
 * services that open connections and verify webhooks: before, rows open with the previous key
 * only; a rotation cut short (one tenant, then the rest) leaves every row openable; afterwards
 * they open with the new key alone, and a second run changes nothing.
 */
describe('master-key rotation across tenants', () => {
  let m: MigratedDatabase;
  let integrations: IntegrationsService;
  let a: string;
  let b: string;
  let endpointB: { id: string; secrets: string[] };

  const config = loadConfig({ CORDON_ALLOW_PRIVATE_CONNECTIONS: '1' });
  const USE = { purpose: 'master-key rotation spec' };
  const boxOf = (current: Buffer, ...previous: Buffer[]) =>
    new SecretBox(new MasterKeyring(current, previous));
  const connectionsWith = (box: SecretBox) =>
    new ConnectionsService(m.db, integrations, box, config, new AuditWriter(m.db));
  const rotationWith = (box: SecretBox) => new MasterKeyRotation(m.db, box);

  /** Every connection's secrets of a tenant, opened as an action would open them. */
  const openAll = async (box: SecretBox, tenantId: string) => {
    const service = connectionsWith(box);
    const rows: ConnectionEntity[] = await service.list(tenantId);
    return Promise.all(rows.map(async (r) => (await service.open(tenantId, r, USE)).secrets.clientSecret));
  };
  /** Whether each webhook secret of tenant B's endpoint still authenticates a push. */
  const webhookAccepts = async (box: SecretBox) => {
    const service = new WebhookEndpointsService(m.db, box, new AuditWriter(m.db));
    const body = Buffer.from('{"resources":[]}');
    const timestamp = String(Math.floor(Date.now() / 1000));
    return Promise.all(
      endpointB.secrets.map((secret) =>
        service
          .authenticate({
            endpointId: endpointB.id,
            source: 'crowdstrike',
            timestamp,
            body,
            signature: signWebhook(secret, timestamp, body),
          })
          .then(
            () => true,
            () => false,
          ),
      ),
    );
  };
  /** Every wrapped data key of both tenants, as stored. */
  const storedKeys = async () => {
    const out: string[] = [];
    for (const t of [a, b]) {
      const rows = await m.db.run(t, (em) =>
        em.query<{ k: Buffer }[]>(
          `SELECT wrapped_data_key AS k FROM connections UNION ALL
           SELECT wrapped_key FROM webhook_endpoints UNION ALL
           SELECT previous_wrapped_key FROM webhook_endpoints WHERE previous_wrapped_key IS NOT NULL`,
        ),
      );
      out.push(...rows.map((r) => r.k.toString('hex')).sort());
    }
    return out;
  };

  beforeAll(async () => {
    m = await migratedDatabase();
    integrations = new IntegrationsService(config);
    a = await m.newTenant('rotation-a');
    b = await m.newTenant('rotation-b');
    const before = connectionsWith(boxOf(OLD));
    for (const [tenant, name] of [
      [a, 'falcon-1'],
      [a, 'falcon-2'],
      [b, 'falcon-b'],
    ]) {
      await before.upsert(tenant, {
        integrationId: 'crowdstrike-falcon',
        name,
        settings: { baseUrl: 'http://127.0.0.1:9' },
        secrets: { clientId: 'id', clientSecret: `secret of ${name}` },
      });
    }
    // An endpoint with a current and a previous signing secret: two data keys in one row.
    const webhooks = new WebhookEndpointsService(m.db, boxOf(OLD), new AuditWriter(m.db));
    const created = await webhooks.create(b, 'crowdstrike');
    const rotated = await webhooks.rotate(b, created.endpoint.id, 60);
    endpointB = { id: created.endpoint.id, secrets: [rotated.secret, created.secret] };
  });

  afterAll(() => m?.close());

  it('before: rows open with the key moved to CORDON_MASTER_KEY_PREVIOUS, not with the new key alone', async () => {
    expect(await openAll(boxOf(NEW, OLD), a)).toEqual(['secret of falcon-1', 'secret of falcon-2']);
    expect(await webhookAccepts(boxOf(NEW, OLD))).toEqual([true, true]);
    await expect(openAll(boxOf(NEW), a)).rejects.toThrow(MasterKeyError);
    await expect(openAll(boxOf(NEW), a)).rejects.toThrow(`master key ${masterKeyId(OLD)}`);
    expect(await webhookAccepts(boxOf(NEW))).toEqual([false, false]);

    const status = await rotationWith(boxOf(NEW, OLD)).statusOfTenant(b);
    expect(status).toEqual({ byKey: new Map([[masterKeyId(OLD), 3]]), legacy: 0, unopenable: [] });
  });

  it('cut short after one tenant, every row still opens; the second run finishes the rest', async () => {
    const rotation = rotationWith(boxOf(NEW, OLD));
    expect((await rotation.tenants([a])).map((t) => t.name)).toEqual(['rotation-a']);
    expect(await rotation.rotateTenant(a)).toEqual({ rewrapped: 2, alreadyCurrent: 0, unopenable: [] });

    // The "crash": tenant B was never reached. A is on the new key, B still on the old one.
    expect(await openAll(boxOf(NEW), a)).toEqual(['secret of falcon-1', 'secret of falcon-2']);
    await expect(openAll(boxOf(NEW), b)).rejects.toThrow(MasterKeyError);
    expect(await openAll(boxOf(NEW, OLD), b)).toEqual(['secret of falcon-b']);
    expect(await webhookAccepts(boxOf(NEW, OLD))).toEqual([true, true]);

    const tenants = await rotation.tenants();
    expect(tenants.map((t) => t.id)).toEqual([a, b]);
    const results = [];
    for (const t of tenants) results.push(await rotation.rotateTenant(t.id));
    expect(results).toEqual([
      { rewrapped: 0, alreadyCurrent: 2, unopenable: [] },
      { rewrapped: 3, alreadyCurrent: 0, unopenable: [] },
    ]);
  });

  it('after: rows open with the new key alone and no longer with the old one', async () => {
    expect(await openAll(boxOf(NEW), a)).toEqual(['secret of falcon-1', 'secret of falcon-2']);
    expect(await openAll(boxOf(NEW), b)).toEqual(['secret of falcon-b']);
    expect(await webhookAccepts(boxOf(NEW))).toEqual([true, true]);
    await expect(openAll(boxOf(OLD), b)).rejects.toThrow(`master key ${masterKeyId(NEW)}`);
    expect(await webhookAccepts(boxOf(OLD))).toEqual([false, false]);
    const rotation = rotationWith(boxOf(NEW));
    expect(await rotation.statusOfTenant(a)).toEqual({
      byKey: new Map([[masterKeyId(NEW), 2]]),
      legacy: 0,
      unopenable: [],
    });
  });

  it('is idempotent: a second full run rewraps nothing and leaves the stored bytes as they were', async () => {
    const before = await storedKeys();
    const rotation = rotationWith(boxOf(NEW, OLD));
    const again = [];
    for (const t of await rotation.tenants()) again.push(await rotation.rotateTenant(t.id));
    expect(again).toEqual([
      { rewrapped: 0, alreadyCurrent: 2, unopenable: [] },
      { rewrapped: 0, alreadyCurrent: 3, unopenable: [] },
    ]);
    expect(await storedKeys()).toEqual(before);
  });

  it('reports a row no configured key opens, naming its key, and rotates the rest', async () => {
    const c = await m.newTenant('rotation-c');
    const stranger = randomBytes(32);
    for (const [box, name] of [
      [boxOf(stranger), 'lost'],
      [boxOf(OLD), 'kept'],
    ] as const) {
      await connectionsWith(box).upsert(c, {
        integrationId: 'crowdstrike-falcon',
        name,
        settings: { baseUrl: 'http://127.0.0.1:9' },
        secrets: { clientId: 'id', clientSecret: name },
      });
    }
    const lost = (await connectionsWith(boxOf(NEW)).list(c)).find((r) => r.name === 'lost')!;
    const result = await rotationWith(boxOf(NEW, OLD)).rotateTenant(c);
    expect(result).toEqual({
      rewrapped: 1,
      alreadyCurrent: 0,
      unopenable: [
        {
          what: 'connection',
          id: lost.id,
          reason: expect.stringContaining(`wrapped by master key ${masterKeyId(stranger)}, which is neither`),
        },
      ],
    });
    // The unopenable row is left exactly as it was: the right key can still open it later.
    const again = (await connectionsWith(boxOf(NEW, stranger)).list(c)).find((r) => r.name === 'lost')!;
    expect(again.wrappedDataKey).toEqual(lost.wrappedDataKey);
    expect((await connectionsWith(boxOf(NEW, stranger)).open(c, again, USE)).secrets.clientSecret).toBe(
      'lost',
    );
  });

  it('refuses tenant ids that name no tenant', async () => {
    await expect(
      rotationWith(boxOf(NEW)).tenants([a, '00000000-0000-4000-8000-000000000000']),
    ).rejects.toThrow('no tenant with id 00000000-0000-4000-8000-000000000000');
  });
});
