import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import { AppError } from '../common/errors/app-error';
import { TenancyService } from '../tenancy/tenancy.service';
import type { AddTenantMemberInput, RemoveTenantMemberInput } from './dto/tenant-member.inputs';
import { TenantMemberEntity } from './entities/tenant-member.entity';
import type { UserEntity } from './entities/user.entity';
import { toTenantMemberModel } from './mappers/tenant-member.mapper';
import type { TenantMemberModel } from './models/tenant-member.model';
import { OidcVerifier } from './oidc-verifier';
import type { Principal } from './principal';
import type { RoleName } from './roles';
import { UsersService } from './users.service';

/**
 * Who may act in a tenant as a user. Provider admins manage any tenant's members, a tenant's
 * admins their own; memberships are tenant rows (RLS), the users they name are cross-tenant.
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly db: TenantDb,
    private readonly tenancy: TenancyService,
    private readonly users: UsersService,
    private readonly oidc: OidcVerifier,
  ) {}

  /** Adds the user to the tenant with a role, or changes the role of a member already there. */
  async add(p: Principal, input: AddTenantMemberInput): Promise<TenantMemberModel> {
    const tenantId = await this.tenancy.targetOf(p, input.tenantId);
    const user = await this.userNamedBy(input);
    const role = input.role.toLowerCase() as RoleName;
    const member = await this.db.run(tenantId, async (em) => {
      const [row] = await em.query<{ id: string }[]>(
        `INSERT INTO tenant_members (tenant_id, user_id, role, created_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = EXCLUDED.role, created_by = EXCLUDED.created_by
         RETURNING id`,
        [tenantId, user.id, role, p.actorId],
      );
      return em.findOneByOrFail(TenantMemberEntity, { id: row.id });
    });
    return toTenantMemberModel(member, user);
  }

  /** Ends a membership; the user can no longer act in that tenant from their next request. */
  async remove(p: Principal, input: RemoveTenantMemberInput): Promise<TenantMemberModel> {
    const tenantId = await this.tenancy.targetOf(p, input.tenantId);
    const member = await this.db.run(tenantId, async (em) => {
      const found = await em.findOneBy(TenantMemberEntity, { tenantId, userId: input.userId });
      if (!found) throw new AppError('NOT_FOUND', `user ${input.userId} is not a member of this tenant`);
      await em.delete(TenantMemberEntity, { id: found.id });
      return found;
    });
    const user = (await this.users.byIds([member.userId])).get(member.userId)!;
    return toTenantMemberModel(member, user);
  }

  async list(
    p: Principal,
    args: { tenantId?: string; first: number; after?: string },
  ): Promise<Connection<TenantMemberModel>> {
    const tenantId = await this.tenancy.targetOf(p, args.tenantId);
    const cursor = decodeCursor(args.after);
    const { rows, total } = await this.db.run(tenantId, async (em) => {
      const qb = em
        .createQueryBuilder(TenantMemberEntity, 'm')
        .where('m.tenant_id = :tenantId', { tenantId });
      const count = await qb.clone().getCount();
      if (cursor) qb.andWhere('(m.created_at, m.id) > (:ca, :cid)', { ca: cursor.createdAt, cid: cursor.id });
      const page = await qb
        .orderBy('m.created_at', 'ASC')
        .addOrderBy('m.id', 'ASC')
        .take(args.first + 1)
        .getMany();
      return { rows: page, total: count };
    });
    const users = await this.users.byIds(rows.map((r) => r.userId));
    return toConnection(rows, args.first, total, (r) => toTenantMemberModel(r, users.get(r.userId)!));
  }

  private async userNamedBy(input: AddTenantMemberInput): Promise<UserEntity> {
    if (input.email && (input.subject || input.issuer))
      throw badInput('name the user by email, or by subject (and issuer), not both', ['email', 'subject']);
    if (input.email) {
      const found = await this.users.byEmail(input.email);
      if (found.length === 1) return found[0];
      if (found.length > 1)
        throw new AppError(
          'CONFLICT',
          `several users have the e-mail ${input.email}: name one by subject and issuer`,
          { fields: ['email'] },
        );
      throw new AppError(
        'NOT_FOUND',
        `nobody with the e-mail ${input.email} has signed in yet: add them by subject (the sub claim) instead`,
        { fields: ['email'] },
      );
    }
    if (!input.subject)
      throw badInput('name the user by email or by subject (and issuer)', ['email', 'subject']);
    const issuer = input.issuer ?? this.oidc.issuer;
    if (!issuer)
      throw badInput('issuer is required: this server has no identity provider configured', ['issuer']);
    return this.users.bySubject(issuer, input.subject);
  }
}

function badInput(message: string, fields: string[]): AppError {
  return new AppError('BAD_USER_INPUT', message, { fields });
}
