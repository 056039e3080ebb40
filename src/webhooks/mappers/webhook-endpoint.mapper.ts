import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import type { WebhookEndpointModel } from '../models/webhook-endpoint.model';
import { webhookPath } from '../webhook-contract';

/** Field by field: the secret columns never reach a client. */
export function toWebhookEndpointModel(row: WebhookEndpointEntity, now = new Date()): WebhookEndpointModel {
  return {
    id: row.id,
    source: row.source,
    url: webhookPath(row.source),
    createdAt: row.createdAt,
    rotatedAt: row.rotatedAt,
    previousSecretValidUntil:
      row.previousValidUntil && row.previousValidUntil > now ? row.previousValidUntil : null,
    revokedAt: row.revokedAt,
  };
}
