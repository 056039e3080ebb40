import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { TenantDb } from '../../database/tenant-db';
import { resolveMasterKeyring } from '../../integrations/master-key';
import {
  linkKey,
  signApprovalLink,
  verifyApprovalLink,
  type ApprovalLinkClaims,
  type LinkCheck,
} from './approval-link-token';

/** A link lives until the approval's current deadline, a day without one, and never beyond a week. */
const DEFAULT_TTL_MS = 24 * 3600_000;
const MAX_TTL_MS = 7 * 24 * 3600_000;

export const DECIDE_PATH = '/approvals/decide';

/** Issues decision links and records their single use. */
@Injectable()
export class ApprovalLinks {
  /** Signing key first; the others are derived from CORDON_MASTER_KEY_PREVIOUS and only verify. */
  private readonly keys: Buffer[];
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly db: TenantDb,
  ) {
    this.keys = resolveMasterKeyring(config)
      .all()
      .map((k) => linkKey(k.key));
    this.base = config.publicUrl;
  }

  issue(args: {
    tenantId: string;
    approvalId: string;
    recipient: string;
    channel: ApprovalLinkClaims['ch'];
    expiresAt: Date | null;
  }): string {
    const now = Date.now();
    const until = Math.min(args.expiresAt?.getTime() ?? now + DEFAULT_TTL_MS, now + MAX_TTL_MS);
    const token = signApprovalLink(this.keys[0], {
      tid: args.tenantId,
      aid: args.approvalId,
      rcp: args.recipient,
      ch: args.channel,
      exp: Math.ceil(until / 1000),
    });
    return `${this.base}${DECIDE_PATH}?token=${token}`;
  }

  check(token: string | undefined): LinkCheck {
    return verifyApprovalLink(this.keys, token);
  }

  async used(claims: ApprovalLinkClaims, actorId: string): Promise<boolean> {
    const rows = await this.db.run(claims.tid, (em) =>
      em.query<unknown[]>(`SELECT 1 FROM approval_link_uses WHERE token_id = $1 AND actor_id = $2`, [
        claims.jti,
        actorId,
      ]),
    );
    return rows.length > 0;
  }

  /** Records the use; false when this link was already used by this actor. */
  async consume(claims: ApprovalLinkClaims, actorId: string): Promise<boolean> {
    const rows = await this.db.run(claims.tid, (em) =>
      em.query<unknown[]>(
        `INSERT INTO approval_link_uses (token_id, actor_id, tenant_id, approval_id)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING token_id`,
        [claims.jti, actorId, claims.tid, claims.aid],
      ),
    );
    return rows.length > 0;
  }

  /** Gives a use back when the decision never reached the workflow (Temporal unavailable). */
  async release(claims: ApprovalLinkClaims, actorId: string): Promise<void> {
    await this.db.run(claims.tid, (em) =>
      em.query(`DELETE FROM approval_link_uses WHERE token_id = $1 AND actor_id = $2`, [claims.jti, actorId]),
    );
  }
}
