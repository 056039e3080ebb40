import { Injectable, Logger } from '@nestjs/common';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { returning } from '../database/sql';
import { WebhooksException } from './webhooks.exception';

/** How long delivery ids are remembered. Longer than any sender's retry schedule we know of. */
const RETENTION_HOURS = 24;
/** A 'processing' claim older than this belongs to a process that died mid-delivery; a retry takes it over. */
const ABANDONED_AFTER_SECONDS = 10 * 60;
const PRUNE_EVERY_MS = 60_000;

export interface DeliveryResult {
  accepted: number;
  created: number;
  deduplicated: number;
  alertIds: string[];
}

export type DeliveryClaim = { kind: 'claimed' } | { kind: 'done'; result: DeliveryResult };

interface DeliveryKey {
  tenantId: string;
  endpointId: string;
  deliveryId: string;
}

/**
 * Replay protection and idempotency for webhook pushes: a delivery id is claimed before its
 * alerts are stored and marked done after, so a redelivery gets the first answer back.
 */
@Injectable()
export class WebhookDeliveriesService {
  private readonly logger = new Logger(WebhookDeliveriesService.name);
  private lastPrune = 0;

  constructor(private readonly db: TenantDb) {}

  /**
   * Claims a delivery id for this body. Answers 'done' with the stored result when the same
   * delivery (same body) was already accepted; refuses a different body under a used id, a
   * delivery still in flight, and the same signed request re-sent under a new id.
   */
  async claim(key: DeliveryKey & { signedAt: number; bodySha256: Buffer }): Promise<DeliveryClaim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.tryClaim(key);
      if (claimed) return { kind: 'claimed' };
      const existing = await this.db.run(key.tenantId, (em) =>
        returning<{ status: string; body_sha256: Buffer; alert_ids: string[]; created_count: number }>(
          em,
          `SELECT status, body_sha256, alert_ids, created_count FROM webhook_deliveries
            WHERE endpoint_id = $1 AND delivery_id = $2`,
          [key.endpointId, key.deliveryId],
        ),
      );
      const row = existing[0];
      // Released between our insert and our read (a failed attempt): try again.
      if (!row) continue;
      if (!row.body_sha256.equals(key.bodySha256)) throw WebhooksException.deliveryConflict(key.deliveryId);
      if (row.status !== 'done') throw WebhooksException.deliveryInProgress(key.deliveryId);
      const accepted = row.alert_ids.length;
      return {
        kind: 'done',
        result: {
          accepted,
          created: row.created_count,
          deduplicated: accepted - row.created_count,
          alertIds: row.alert_ids,
        },
      };
    }
    throw WebhooksException.deliveryInProgress(key.deliveryId);
  }

  private async tryClaim(key: DeliveryKey & { signedAt: number; bodySha256: Buffer }): Promise<boolean> {
    try {
      const rows = await this.db.run(key.tenantId, (em) =>
        returning<{ delivery_id: string }>(
          em,
          `INSERT INTO webhook_deliveries (endpoint_id, delivery_id, tenant_id, signed_at, body_sha256)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (endpoint_id, delivery_id) DO UPDATE
             SET signed_at = EXCLUDED.signed_at, received_at = now()
             WHERE webhook_deliveries.status = 'processing'
               AND webhook_deliveries.body_sha256 = EXCLUDED.body_sha256
               AND webhook_deliveries.received_at < now() - make_interval(secs => $6)
           RETURNING delivery_id`,
          [
            key.endpointId,
            key.deliveryId,
            key.tenantId,
            key.signedAt,
            key.bodySha256,
            ABANDONED_AFTER_SECONDS,
          ],
        ),
      );
      return rows.length > 0;
    } catch (err) {
      if (isUniqueViolation(err, 'webhook_deliveries_signed_uq')) throw WebhooksException.replayed();
      throw err;
    }
  }

  async complete(key: DeliveryKey, result: { alertIds: string[]; created: number }): Promise<void> {
    await this.db.run(key.tenantId, (em) => this.completeIn(em, key, result));
    await this.pruneNowAndThen();
  }

  /** Marks the claim done inside the caller's tenant transaction: with the alerts it stored. */
  async completeIn(
    em: EntityManager,
    key: DeliveryKey,
    result: { alertIds: string[]; created: number },
  ): Promise<void> {
    await em.query(
      `UPDATE webhook_deliveries SET status = 'done', alert_ids = $3::uuid[], created_count = $4
        WHERE endpoint_id = $1 AND delivery_id = $2`,
      [key.endpointId, key.deliveryId, result.alertIds, result.created],
    );
  }

  /** Forgets a claim whose alerts were not stored, so the sender's retry can succeed. */
  async release(key: DeliveryKey): Promise<void> {
    await this.db.run(key.tenantId, (em) =>
      em.query(
        `DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND delivery_id = $2 AND status = 'processing'`,
        [key.endpointId, key.deliveryId],
      ),
    );
  }

  /** At most once a minute per process, piggy-backed on deliveries: no timer to own or stop. */
  async pruneNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    try {
      await this.db.system((em) =>
        em.query(`DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(hours => $1)`, [
          RETENTION_HOURS,
        ]),
      );
    } catch (err) {
      this.logger.warn({ err }, 'pruning old webhook deliveries failed; will retry');
    }
  }
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driver = err.driverError as { code?: string; constraint?: string } | undefined;
  return driver?.code === '23505' && driver.constraint === constraint;
}
