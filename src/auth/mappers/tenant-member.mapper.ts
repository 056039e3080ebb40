import type { RoleEnumValue } from '../dto/create-api-key.input';
import type { TenantMemberEntity } from '../entities/tenant-member.entity';
import type { UserEntity } from '../entities/user.entity';
import type { TenantMemberModel } from '../models/tenant-member.model';
import { userActorId } from '../principal';

export function toTenantMemberModel(member: TenantMemberEntity, user: UserEntity): TenantMemberModel {
  return {
    tenantId: member.tenantId,
    userId: user.id,
    actorId: userActorId(user.id),
    role: member.role.toUpperCase() as RoleEnumValue,
    email: user.email,
    name: user.displayName,
    issuer: user.issuer,
    subject: user.subject,
    addedAt: member.createdAt,
    lastSeenAt: user.lastSeenAt,
  };
}
