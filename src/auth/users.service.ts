import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { UserEntity } from './entities/user.entity';
import { TenantMemberEntity } from './entities/tenant-member.entity';
import type { VerifiedIdentity } from './oidc-verifier';
import type { RoleName } from './roles';

/** How stale last_seen_at may get before a sign-in writes it again: not one write per request. */
const LAST_SEEN_RESOLUTION = '1 minute';

/**
 * People known from the OIDC provider. Every read and write here is cross-tenant and runs as
 * cordon_system, the only role granted the users table (migration 1763900011000).
 */
@Injectable()
export class UsersService {
  constructor(private readonly db: TenantDb) {}

  /**
   * The user a verified token names, created on first use (just in time) and kept current with
   * the provider's e-mail and name. Creating the user grants nothing: memberships do.
   */
  async signIn(identity: VerifiedIdentity): Promise<UserEntity> {
    return this.db.system(async (em) => {
      const written = await em.query<{ id: string }[]>(
        `INSERT INTO users (issuer, subject, email, display_name, last_seen_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (issuer, subject) DO UPDATE
           SET email = coalesce(EXCLUDED.email, users.email),
               display_name = coalesce(EXCLUDED.display_name, users.display_name),
               last_seen_at = now()
         WHERE users.last_seen_at IS NULL
            OR users.last_seen_at < now() - interval '${LAST_SEEN_RESOLUTION}'
            OR (EXCLUDED.email IS NOT NULL AND users.email IS DISTINCT FROM EXCLUDED.email)
            OR (EXCLUDED.display_name IS NOT NULL AND users.display_name IS DISTINCT FROM EXCLUDED.display_name)
         RETURNING id`,
        [identity.issuer, identity.subject, identity.email, identity.name],
      );
      return em.findOneOrFail(UserEntity, {
        where: written[0] ? { id: written[0].id } : { issuer: identity.issuer, subject: identity.subject },
      });
    });
  }

  /** Every tenant the user belongs to, with the role there. */
  async memberships(userId: string): Promise<{ tenantId: string; role: RoleName }[]> {
    const rows = await this.db.system((em) =>
      em.find(TenantMemberEntity, { where: { userId }, order: { createdAt: 'ASC' } }),
    );
    return rows.map((r) => ({ tenantId: r.tenantId, role: r.role }));
  }

  /** Users whose e-mail is `email`, compared without case (one address may sign in at two providers). */
  async byEmail(email: string): Promise<UserEntity[]> {
    return this.db.system((em) =>
      em
        .createQueryBuilder(UserEntity, 'u')
        .where('lower(u.email) = lower(:email)', { email })
        .orderBy('u.created_at', 'ASC')
        .take(2)
        .getMany(),
    );
  }

  /** The user with this issuer and subject, created if they have not signed in yet (added ahead). */
  async bySubject(issuer: string, subject: string): Promise<UserEntity> {
    return this.db.system(async (em) => {
      await em.query(
        `INSERT INTO users (issuer, subject) VALUES ($1, $2) ON CONFLICT (issuer, subject) DO NOTHING`,
        [issuer, subject],
      );
      return em.findOneOrFail(UserEntity, { where: { issuer, subject } });
    });
  }

  async byIds(ids: string[]): Promise<Map<string, UserEntity>> {
    if (!ids.length) return new Map();
    const rows = await this.db.system((em) => em.find(UserEntity, { where: { id: In(ids) } }));
    return new Map(rows.map((u) => [u.id, u]));
  }
}
