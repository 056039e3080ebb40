import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TenantDb } from '../database/tenant-db';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import { SECRET_BOX } from '../integrations/master-key';
import type { SecretBox } from '../integrations/secret-box';
import { NORMALISERS, normaliserFor } from '../alerts/normalisers';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity';
import { toWebhookEndpointModel } from './mappers/webhook-endpoint.mapper';
import type { WebhookEndpointModel } from './models/webhook-endpoint.model';
import { WebhooksException } from './webhooks.exception';
import { generateWebhookSecret, verifyWebhookSignature } from './webhook-signature';
import { isUuid } from '../common/ids';
import { ANONYMOUS } from '../audit/audit-actor';
import { AuditWriter } from '../audit/audit-writer';

/** What checking a push's signature needs of its endpoint. */
export type EndpointKeys = Pick<
  WebhookEndpointEntity,
  | 'id'
  | 'tenantId'
  | 'source'
  | 'secretCiphertext'
  | 'wrappedKey'
  | 'previousSecretCiphertext'
  | 'previousWrappedKey'
  | 'previousValidUntil'
>;

/** Verified against when there is no usable endpoint, so a miss costs what a hit costs. */
const DECOY_SECRET = generateWebhookSecret();

export function knownSources(): string[] {
  return Object.keys(NORMALISERS).sort();
}

@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly db: TenantDb,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    private readonly audit: AuditWriter,
  ) {}

  private readonly logger = new Logger('Audit');

  /** Creates an endpoint for a source and returns its signing secret, the only time it is readable. */
  async create(
    tenantId: string,
    source: string,
  ): Promise<{ endpoint: WebhookEndpointModel; secret: string }> {
    if (!normaliserFor(source)) throw WebhooksException.unknownSourceInput(source, knownSources());
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const sealed = this.box.encrypt({ secret }, id);
    const row = await this.db.run(tenantId, (em) =>
      em.save(
        em.create(WebhookEndpointEntity, {
          id,
          tenantId,
          source,
          secretCiphertext: sealed.ciphertext,
          wrappedKey: sealed.wrappedKey,
          previousSecretCiphertext: null,
          previousWrappedKey: null,
          previousValidUntil: null,
          rotatedAt: null,
          revokedAt: null,
        }),
      ),
    );
    return { endpoint: toWebhookEndpointModel(row), secret };
  }

  /**
   * Issues a new secret. The current one stays valid for `overlapMinutes` so the sender can
   * switch without dropping pushes; a secret from an earlier rotation stops working now.
   */
  async rotate(
    tenantId: string,
    endpointId: string,
    overlapMinutes: number,
  ): Promise<{ endpoint: WebhookEndpointModel; secret: string }> {
    const secret = generateWebhookSecret();
    const row = await this.db.run(tenantId, async (em) => {
      const found = await em.findOne(WebhookEndpointEntity, {
        where: { tenantId, id: endpointId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!found) throw WebhooksException.endpointNotFound(endpointId);
      if (found.revokedAt) throw WebhooksException.endpointRevoked(endpointId);
      const now = new Date();
      if (overlapMinutes > 0) {
        found.previousSecretCiphertext = found.secretCiphertext;
        found.previousWrappedKey = found.wrappedKey;
        found.previousValidUntil = new Date(now.getTime() + overlapMinutes * 60_000);
      } else {
        found.previousSecretCiphertext = null;
        found.previousWrappedKey = null;
        found.previousValidUntil = null;
      }
      const sealed = this.box.encrypt({ secret }, found.id);
      found.secretCiphertext = sealed.ciphertext;
      found.wrappedKey = sealed.wrappedKey;
      found.rotatedAt = now;
      return em.save(found);
    });
    return { endpoint: toWebhookEndpointModel(row), secret };
  }

  /** Stops accepting pushes at once. Revoking twice is harmless. */
  async revoke(tenantId: string, endpointId: string): Promise<WebhookEndpointModel> {
    const row = await this.db.run(tenantId, async (em) => {
      const found = await em.findOne(WebhookEndpointEntity, { where: { tenantId, id: endpointId } });
      if (!found) throw WebhooksException.endpointNotFound(endpointId);
      if (found.revokedAt) return found;
      found.revokedAt = new Date();
      found.previousSecretCiphertext = null;
      found.previousWrappedKey = null;
      found.previousValidUntil = null;
      return em.save(found);
    });
    return toWebhookEndpointModel(row);
  }

  async list(
    tenantId: string,
    args: { first: number; after?: string; includeRevoked: boolean },
  ): Promise<Connection<WebhookEndpointModel>> {
    const cursor = decodeCursor(args.after);
    return this.db.run(tenantId, async (em) => {
      const qb = em
        .createQueryBuilder(WebhookEndpointEntity, 'w')
        .where('w.tenant_id = :tenantId', { tenantId });
      if (!args.includeRevoked) qb.andWhere('w.revoked_at IS NULL');
      const total = await qb.clone().getCount();
      if (cursor) qb.andWhere('(w.created_at, w.id) < (:ca, :cid)', { ca: cursor.createdAt, cid: cursor.id });
      const rows = await qb
        .orderBy('w.created_at', 'DESC')
        .addOrderBy('w.id', 'DESC')
        .take(args.first + 1)
        .getMany();
      const now = new Date();
      return toConnection(rows, args.first, total, (r) => toWebhookEndpointModel(r, now));
    });
  }

  /**
   * The endpoint a signed push is for. Unknown, revoked or other-source endpoints and bad
   * signatures fail alike (401, one message), after the same amount of work.
   */
  async authenticate(args: {
    endpointId: string | undefined;
    source: string;
    timestamp: string;
    body: Buffer;
    signature: string | undefined;
  }): Promise<EndpointKeys> {
    const id = args.endpointId?.trim();
    // One round trip: every push pays for this lookup before its own transaction.
    const [row] =
      id && isUuid(id)
        ? await this.db.systemStatement<EndpointKeys>(
            `SELECT id, tenant_id AS "tenantId", source, secret_ciphertext AS "secretCiphertext",
                    wrapped_key AS "wrappedKey", previous_secret_ciphertext AS "previousSecretCiphertext",
                    previous_wrapped_key AS "previousWrappedKey", previous_valid_until AS "previousValidUntil"
               FROM webhook_endpoints WHERE id = $1 AND revoked_at IS NULL`,
            [id],
          )
        : [];
    const usable = row && row.source === args.source ? row : null;
    const secrets = usable ? this.secretsOf(usable, new Date()) : [DECOY_SECRET];
    const verified = verifyWebhookSignature({
      secrets,
      timestamp: args.timestamp,
      body: args.body,
      header: args.signature,
    });
    if (!usable || !verified) {
      await this.rejected(usable, args.source, usable ? 'bad signature' : 'unknown endpoint');
      throw WebhooksException.unauthenticated();
    }
    return usable;
  }

  /** `webhook.signature_rejected`, in the endpoint's tenant chain or, unknown, the provider's. */
  private async rejected(row: EndpointKeys | null, source: string, reason: string): Promise<void> {
    await this.audit
      .record(row?.tenantId ?? null, {
        actor: ANONYMOUS,
        action: 'webhook.signature_rejected',
        target: row ? { type: 'WebhookEndpoint', id: row.id } : null,
        outcome: 'FAILURE',
        detail: { source, reason },
      })
      // The 401 is what the sender must get; a failed audit write is only logged.
      .catch((err: unknown) => this.logger.error({ err }, 'could not audit a rejected webhook'));
  }

  private secretsOf(row: EndpointKeys, now: Date): string[] {
    const out = [this.box.decrypt(row.secretCiphertext, row.wrappedKey, row.id).secret];
    if (
      row.previousSecretCiphertext &&
      row.previousWrappedKey &&
      row.previousValidUntil &&
      row.previousValidUntil > now
    ) {
      out.push(this.box.decrypt(row.previousSecretCiphertext, row.previousWrappedKey, row.id).secret);
    }
    return out;
  }
}
