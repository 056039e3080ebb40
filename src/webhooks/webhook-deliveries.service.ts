import { Injectable, Logger } from '@nestjs/common';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { returning } from '../database/sql';
import { WebhooksException } from './webhooks.exception';

/** How long delivery ids are remembered. Longer than any sender's retry schedule we know of. */
const RETENTION_HOURS = 24;
/**
 * Older versions claimed a delivery ('processing') in a transaction of its own: such a claim older
 * than this belongs to a process that died mid-delivery, and a retry takes it over.
 */
const ABANDONED_AFTER_SECONDS = 10 * 60;
const PRUNE_EVERY_MS = 60_000;

export interface DeliveryResult {
  accepted: number;
  created: number;
  deduplicated: number;
  alertIds: string[];
}

interface DeliveryKey {
  tenantId: string;
  endpointId: string;
  deliveryId: string;
}

/** A delivery as the sender signed it: its key, when it was signed and what it carried. */
export interface Delivery extends DeliveryKey {
  signedAt: number;
  bodySha256: Buffer;
}

interface DeliveryRow {
  status: string;
  body_sha256: Buffer;
  alert_ids: string[];
  created_count: number;
}

/**
 * Thrown inside the storing transaction, which it rolls back: the delivery id was used before.
 * `answer()` turns it into what the sender gets.
 */
export class DeliveryExists extends Error {
  constructor(readonly row: DeliveryRow) {
    super('webhook delivery seen before');
  }
}

/**
 * Replay protection and idempotency for webhook pushes. A delivery is recorded, done, in the
 * transaction that stores its alerts: both land, or neither does, and nothing is left to release
 * if storing fails. The transaction first looks for the id (a redelivery is answered before any
 * work); a concurrent copy of the same delivery waits on its alerts' locks, then finds the first
 * copy's record and rolls back.
 */
@Injectable()
export class WebhookDeliveriesService {
  private readonly logger = new Logger(WebhookDeliveriesService.name);
  private lastPrune = 0;
  private pruning: Promise<unknown> | undefined;

  constructor(private readonly db: TenantDb) {}

  /** First in the storing transaction: a delivery id already used ends it (DeliveryExists). */
  async checkIn(em: EntityManager, key: DeliveryKey): Promise<void> {
    const row = await this.find(em, key);
    if (row) throw new DeliveryExists(row);
  }

  /**
   * Last in the storing transaction: the delivery, done, with what it stored. A claim left
   * 'processing' by an older version's process that died mid-delivery is taken over after
   * ABANDONED_AFTER_SECONDS.
   */
  async recordIn(
    em: EntityManager,
    delivery: Delivery,
    result: { alertIds: string[]; created: number },
  ): Promise<void> {
    let rows: { delivery_id: string }[];
    try {
      rows = await returning<{ delivery_id: string }>(
        em,
        `INSERT INTO webhook_deliveries
                (endpoint_id, delivery_id, tenant_id, signed_at, body_sha256, status, alert_ids, created_count)
         VALUES ($1, $2, $3, $4, $5, 'done', $6::uuid[], $7)
         ON CONFLICT (endpoint_id, delivery_id) DO UPDATE
           SET signed_at = EXCLUDED.signed_at, received_at = now(), status = 'done',
               alert_ids = EXCLUDED.alert_ids, created_count = EXCLUDED.created_count
           WHERE webhook_deliveries.status = 'processing'
             AND webhook_deliveries.body_sha256 = EXCLUDED.body_sha256
             AND webhook_deliveries.received_at < now() - make_interval(secs => $8)
         RETURNING delivery_id`,
        [
          delivery.endpointId,
          delivery.deliveryId,
          delivery.tenantId,
          delivery.signedAt,
          delivery.bodySha256,
          result.alertIds,
          result.created,
          ABANDONED_AFTER_SECONDS,
        ],
      );
    } catch (err) {
      if (isUniqueViolation(err, 'webhook_deliveries_signed_uq')) throw WebhooksException.replayed();
      throw err;
    }
    if (rows.length) return;
    // Taken meanwhile (a concurrent copy committed first): its record is visible to this statement.
    const row = await this.find(em, delivery);
    if (!row) throw WebhooksException.deliveryInProgress(delivery.deliveryId);
    throw new DeliveryExists(row);
  }

  /**
   * A delivery without alerts is recorded all the same, so its redelivery is answered alike.
   * There is no work to spare by looking first: recordIn finds a used id itself.
   */
  async recordEmpty(delivery: Delivery): Promise<void> {
    await this.db.run(delivery.tenantId, (em) => this.recordIn(em, delivery, { alertIds: [], created: 0 }));
  }

  /**
   * What a redelivery gets: the first result when it carries the same body; a conflict for
   * another body under a used id; "in progress" for an older version's unfinished claim.
   */
  answer(seen: DeliveryExists, delivery: Delivery): DeliveryResult {
    const row = seen.row;
    if (!row.body_sha256.equals(delivery.bodySha256))
      throw WebhooksException.deliveryConflict(delivery.deliveryId);
    if (row.status !== 'done') throw WebhooksException.deliveryInProgress(delivery.deliveryId);
    const accepted = row.alert_ids.length;
    return {
      accepted,
      created: row.created_count,
      deduplicated: accepted - row.created_count,
      alertIds: row.alert_ids,
    };
  }

  private async find(em: EntityManager, key: DeliveryKey): Promise<DeliveryRow | undefined> {
    const [row] = await returning<DeliveryRow>(
      em,
      `SELECT status, body_sha256, alert_ids, created_count FROM webhook_deliveries
        WHERE endpoint_id = $1 AND delivery_id = $2`,
      [key.endpointId, key.deliveryId],
    );
    return row;
  }

  /**
   * At most once a minute per process, piggy-backed on deliveries (no timer to own or stop), and
   * after the answer: no sender waits for the DELETE. A prune still running at shutdown is
   * waited for (beforeApplicationShutdown), so it never meets a closed pool.
   */
  pruneNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS || this.pruning) return;
    this.lastPrune = now;
    this.pruning = this.prune().finally(() => (this.pruning = undefined));
  }

  /** Forgets deliveries older than the retention; returns how many. A failure is logged, not thrown. */
  async prune(): Promise<number> {
    try {
      const [row] = await this.db.systemStatement<{ n: number }>(
        `WITH gone AS (
           DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(hours => $1) RETURNING 1
         ) SELECT count(*)::int AS n FROM gone`,
        [RETENTION_HOURS],
      );
      return row.n;
    } catch (err) {
      this.logger.warn({ err }, 'pruning old webhook deliveries failed; will retry');
      return 0;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.pruning;
  }
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driver = err.driverError as { code?: string; constraint?: string } | undefined;
  return driver?.code === '23505' && driver.constraint === constraint;
}
