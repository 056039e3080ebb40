import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../../database/tenant-db';
import { ApiKeyEntity } from '../../auth/entities/api-key.entity';
import type { Principal } from '../../auth/principal';
import type { RoleName } from '../../auth/roles';
import { isUuid } from '../../common/ids';
import { ApprovalsException } from '../approvals.exception';
import { ApproverIdentityEntity, type IdentityChannel } from '../entities/approver-identity.entity';

/** A Cordon actor as a decision names it. */
export interface DecidingActor {
  id: string;
  name: string;
  role: RoleName;
}

/**
 * Who a Slack user or an e-mail address is in Cordon. A tenant admin maps each one to an API key
 * actor; the key's role (at decision time: a revoked key decides nothing) is what the workflow
 * checks. No mapping, no decision.
 */
@Injectable()
export class ApproverIdentities {
  constructor(private readonly db: TenantDb) {}

  async map(
    principal: Principal,
    input: { channel: IdentityChannel; externalId: string; actorId: string },
  ): Promise<ApproverIdentityEntity> {
    const externalId = normalise(input.channel, input.externalId);
    return this.db.run(principal.tenantId, async (em) => {
      if (!(await liveActor(em, principal.tenantId, input.actorId)))
        throw new ApprovalsException(
          'BAD_USER_INPUT',
          `actorId: ${input.actorId} is not a live API key of this tenant (apikey:<id>)`,
          { fields: ['actorId'] },
        );
      await em.query(
        `INSERT INTO approver_identities (tenant_id, channel, external_id, actor_id, created_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, channel, external_id)
         DO UPDATE SET actor_id = EXCLUDED.actor_id, created_by = EXCLUDED.created_by, created_at = now()`,
        [principal.tenantId, input.channel, externalId, input.actorId, principal.actorId],
      );
      return em.findOneOrFail(ApproverIdentityEntity, {
        where: { tenantId: principal.tenantId, channel: input.channel, externalId },
      });
    });
  }

  async unmap(tenantId: string, channel: IdentityChannel, externalId: string): Promise<boolean> {
    const result = await this.db.run(tenantId, (em) =>
      em.delete(ApproverIdentityEntity, { tenantId, channel, externalId: normalise(channel, externalId) }),
    );
    return (result.affected ?? 0) > 0;
  }

  async list(tenantId: string, channel?: IdentityChannel): Promise<ApproverIdentityEntity[]> {
    return this.db.run(tenantId, (em) =>
      em.find(ApproverIdentityEntity, {
        where: { tenantId, ...(channel ? { channel } : {}) },
        order: { channel: 'ASC', externalId: 'ASC' },
      }),
    );
  }

  /** The actor a Slack user or address decides as, or why there is none. */
  async resolve(
    tenantId: string,
    channel: IdentityChannel,
    externalId: string,
  ): Promise<{ actor: DecidingActor } | { refused: string }> {
    return this.db.run(tenantId, async (em) => {
      const row = await em.findOne(ApproverIdentityEntity, {
        where: { tenantId, channel, externalId: normalise(channel, externalId) },
      });
      if (!row) return { refused: 'not mapped to a Cordon approver' };
      const actor = await liveActor(em, tenantId, row.actorId);
      return actor ? { actor } : { refused: `mapped to ${row.actorId}, which is revoked or expired` };
    });
  }

  /** A live API key actor of the tenant, or null. */
  async actor(tenantId: string, actorId: string): Promise<DecidingActor | null> {
    return this.db.run(tenantId, (em) => liveActor(em, tenantId, actorId));
  }

  /** Mapped addresses of a channel with their (live) actors: who an e-mail may go to. */
  async recipients(
    tenantId: string,
    channel: IdentityChannel,
  ): Promise<{ externalId: string; actor: DecidingActor }[]> {
    return this.db.run(tenantId, async (em) => {
      const rows = await em.query<{ external_id: string; actor_id: string; name: string; role: RoleName }[]>(
        `SELECT i.external_id, i.actor_id, k.name, k.role
           FROM approver_identities i
           JOIN api_keys k ON i.actor_id = 'apikey:' || k.id::text AND k.tenant_id = i.tenant_id
          WHERE i.tenant_id = $1 AND i.channel = $2 AND k.revoked_at IS NULL
            AND (k.expires_at IS NULL OR k.expires_at > now())
          ORDER BY i.external_id`,
        [tenantId, channel],
      );
      return rows.map((r) => ({
        externalId: r.external_id,
        actor: { id: r.actor_id, name: r.name, role: r.role },
      }));
    });
  }
}

async function liveActor(
  em: EntityManager,
  tenantId: string,
  actorId: string,
): Promise<DecidingActor | null> {
  const id = /^apikey:(.+)$/.exec(actorId)?.[1];
  if (!id || !isUuid(id)) return null;
  const key = await em.findOne(ApiKeyEntity, { where: { tenantId, id } });
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= new Date())) return null;
  return { id: actorId, name: key.name, role: key.role };
}

/** Slack ids are upper case; e-mail addresses compare without case. */
function normalise(channel: IdentityChannel, externalId: string): string {
  const trimmed = externalId.trim();
  return channel === 'email' ? trimmed.toLowerCase() : trimmed.toUpperCase();
}
