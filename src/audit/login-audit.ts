import { Injectable, Logger } from '@nestjs/common';
import { hashApiKey } from '../auth/api-key-secret';
import { AuthException } from '../auth/auth.exception';
import { ApiKeyEntity } from '../auth/entities/api-key.entity';
import { TenantDb } from '../database/tenant-db';
import { ANONYMOUS } from './audit-actor';
import { AuditWriter } from './audit-writer';

/**
 * Failed logins (`auth.login_failed`). A key Cordon knows (revoked, expired) is recorded in its
 * tenant's chain under its own name; an unknown one in the provider chain, anonymously. The
 * presented secret is never written, not even its hash (that would let a stolen log confirm a
 * guessed key).
 */
@Injectable()
export class LoginAudit {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly db: TenantDb,
    private readonly writer: AuditWriter,
  ) {}

  /** Never throws: the caller's own error is the one the client must see. */
  async failed(secret: string, req: { ip?: string; id?: unknown }, err: unknown): Promise<void> {
    // Only a refused credential is a failed login; a database outage is not.
    if (!(err instanceof AuthException) || err.code !== 'UNAUTHENTICATED') return;
    try {
      // A JWT (API keys hold no dots): which user it claims to be is unproven, so anonymous.
      if (secret.includes('.')) {
        await this.writer.record(null, {
          actor: ANONYMOUS,
          action: 'auth.login_failed',
          target: null,
          requestId: typeof req.id === 'string' ? req.id : null,
          outcome: 'FAILURE',
          detail: { reason: `token refused: ${err.message}`, ip: req.ip ?? null },
        });
        return;
      }
      const key = await this.db.system((em) =>
        em.findOne(ApiKeyEntity, { where: { keyHash: hashApiKey(secret) } }),
      );
      const reason = !key ? 'unknown key' : key.revokedAt ? 'revoked key' : 'expired key';
      await this.writer.record(key?.tenantId ?? null, {
        actor: key ? { id: `apikey:${key.id}`, kind: 'apiKey', name: key.name } : ANONYMOUS,
        action: 'auth.login_failed',
        target: key ? { type: 'ApiKey', id: key.id } : null,
        requestId: typeof req.id === 'string' ? req.id : null,
        outcome: 'FAILURE',
        detail: { reason, ip: req.ip ?? null },
      });
    } catch (auditErr) {
      this.logger.error({ err: auditErr }, 'could not audit a failed login');
    }
  }
}
