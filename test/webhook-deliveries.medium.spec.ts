import { createHash, randomUUID } from 'node:crypto';
import {
  DeliveryExists,
  WebhookDeliveriesService,
  type Delivery,
} from '../src/webhooks/webhook-deliveries.service';
import { migratedDatabase, type MigratedDatabase } from './support/database';

/**
 * Webhook replay protection on a real database (PostgreSQL with DATABASE_URL, else PGlite): a
 * delivery is recorded in the transaction that stores its alerts, so it lands with them or not
 * at all, and a second copy — later or concurrent — is answered from the first.
 */
describe('webhook deliveries on a real database', () => {
  let m: MigratedDatabase;
  let deliveries: WebhookDeliveriesService;
  let tenantId: string;
  let endpointId: string;
  const STORED = { alertIds: [randomUUID()], created: 1 };

  beforeAll(async () => {
    m = await migratedDatabase();
    deliveries = new WebhookDeliveriesService(m.db);
    tenantId = await m.newTenant();
    [{ id: endpointId }] = await m.db.run(tenantId, (em) =>
      em.query<{ id: string }[]>(
        `INSERT INTO webhook_endpoints (tenant_id, source, secret_ciphertext, wrapped_key)
         VALUES ($1, 'crowdstrike', '\\x00', '\\x00') RETURNING id`,
        [tenantId],
      ),
    );
  });

  afterAll(() => m?.close());

  const delivery = (body: string = randomUUID(), deliveryId: string = randomUUID()): Delivery => ({
    tenantId,
    endpointId,
    deliveryId,
    signedAt: Math.floor(Date.now() / 1000),
    bodySha256: createHash('sha256').update(body).digest(),
  });

  /** What an ingest does: look first, store (here: nothing), record last; in one transaction. */
  const store = (d: Delivery, beforeCommit: () => Promise<void> = async () => undefined) =>
    m.db.run(tenantId, async (em) => {
      await deliveries.checkIn(em, d);
      await deliveries.recordIn(em, d, STORED);
      await beforeCommit();
    });

  const seen = async (work: Promise<unknown>): Promise<DeliveryExists> => {
    const err = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeliveryExists);
    return err as DeliveryExists;
  };

  /** What answering a redelivery throws. */
  const refusal = (answer: () => unknown): unknown => {
    try {
      answer();
    } catch (err) {
      return err;
    }
    throw new Error('the redelivery was answered, not refused');
  };

  const rows = (d: Delivery) =>
    m.db.run(tenantId, (em) =>
      em.query<{ status: string }[]>(
        `SELECT status FROM webhook_deliveries WHERE endpoint_id = $1 AND delivery_id = $2`,
        [d.endpointId, d.deliveryId],
      ),
    );

  it('answers a redelivery with the first result, before doing any work', async () => {
    const d = delivery();
    await store(d);
    let recorded = false;
    const again = await seen(
      m.db.run(tenantId, async (em) => {
        await deliveries.checkIn(em, d);
        recorded = true;
      }),
    );
    expect(recorded).toBe(false);
    expect(deliveries.answer(again, d)).toEqual({
      accepted: 1,
      created: 1,
      deduplicated: 0,
      alertIds: STORED.alertIds,
    });
  });

  it('refuses the same delivery id with another body (409)', async () => {
    const d = delivery('first body');
    await store(d);
    const other = { ...d, bodySha256: createHash('sha256').update('another body').digest() };
    const again = await seen(store(other));
    expect(refusal(() => deliveries.answer(again, other))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/different body/),
    });
  });

  it('refuses the same signed request under a new delivery id (409)', async () => {
    const d = delivery('signed once');
    await store(d);
    await expect(store({ ...d, deliveryId: randomUUID() })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/replay/),
    });
  });

  it('records a delivery without alerts, and answers its redelivery from it', async () => {
    const d = delivery();
    await deliveries.recordEmpty(d);
    const again = await seen(deliveries.recordEmpty(d));
    expect(deliveries.answer(again, d)).toEqual({ accepted: 0, created: 0, deduplicated: 0, alertIds: [] });
  });

  it('leaves no record when the transaction fails, so the sender’s retry is stored', async () => {
    const d = delivery();
    await expect(
      store(d, async () => {
        throw new Error('storing the alerts failed');
      }),
    ).rejects.toThrow('storing the alerts failed');
    expect(await rows(d)).toEqual([]);
    await store(d);
    expect(await rows(d)).toEqual([{ status: 'done' }]);
  });

  it('lets only the first of two concurrent copies record; the other is answered from it', async () => {
    const d = delivery();
    let commitFirst!: () => void;
    let firstRecorded!: () => void;
    const recorded = new Promise<void>((resolve) => (firstRecorded = resolve));
    const first = store(d, async () => {
      firstRecorded();
      await new Promise<void>((resolve) => (commitFirst = resolve));
    });
    await recorded;
    // The copy looked before the first committed: it waits on the first's record, then finds it.
    const second = seen(store(d));
    commitFirst();
    await first;
    expect(deliveries.answer(await second, d)).toMatchObject({ accepted: 1, created: 1 });
    expect(await rows(d)).toEqual([{ status: 'done' }]);
  });

  /** A delivery row written directly, received `age` ago (an interval), in the given state. */
  const received = (d: Delivery, age: string, status: 'processing' | 'done') =>
    m.db.run(tenantId, (em) =>
      em.query(
        `INSERT INTO webhook_deliveries (endpoint_id, delivery_id, tenant_id, signed_at, body_sha256, received_at, status)
         VALUES ($1, $2, $3, $4, $5, now() - $6::interval, $7)`,
        [d.endpointId, d.deliveryId, d.tenantId, d.signedAt, d.bodySha256, age, status],
      ),
    );

  it('takes over an abandoned claim an older version left processing, and not a fresh one', async () => {
    const abandoned = delivery();
    const fresh = delivery();
    await received(abandoned, '11 minutes', 'processing');
    await received(fresh, '1 minute', 'processing');
    // An older version's claim is found by the look first: recordIn's takeover is what remains.
    await m.db.run(tenantId, (em) => deliveries.recordIn(em, abandoned, STORED));
    expect(await rows(abandoned)).toEqual([{ status: 'done' }]);
    const busy = await seen(store(fresh));
    expect(refusal(() => deliveries.answer(busy, fresh))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/still being processed/),
    });
    expect(await rows(fresh)).toEqual([{ status: 'processing' }]);
  });

  it('forgets deliveries past the 24-hour retention, and no others', async () => {
    const old = delivery();
    const recent = delivery();
    await received(old, '25 hours', 'done');
    await received(recent, '23 hours', 'done');
    expect(await deliveries.prune()).toBeGreaterThanOrEqual(1);
    expect(await rows(old)).toEqual([]);
    expect(await rows(recent)).toEqual([{ status: 'done' }]);
    // Once a minute at most: the first delivery's call prunes, another within the minute does not.
    deliveries.pruneNowAndThen();
    await deliveries.beforeApplicationShutdown();
    const again = delivery();
    await received(again, '2 days', 'done');
    deliveries.pruneNowAndThen();
    await deliveries.beforeApplicationShutdown();
    expect(await rows(again)).toEqual([{ status: 'done' }]);
  });
});
