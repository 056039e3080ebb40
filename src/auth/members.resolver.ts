import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ConnectionType, type Connection } from '../common/graphql/pagination';
import { CurrentPrincipal } from './current-principal.decorator';
import { AddTenantMemberInput, RemoveTenantMemberInput, TenantMembersArgs } from './dto/tenant-member.inputs';
import { MembersService } from './members.service';
import { TenantMemberModel } from './models/tenant-member.model';
import type { Principal } from './principal';
import { RequireRole } from './roles.decorator';

const TenantMemberConnection = ConnectionType(TenantMemberModel, 'TenantMember');

/** Tenant membership of users. Admins manage their own tenant; provider admins any (tenantId). */
@Resolver(() => TenantMemberModel)
export class MembersResolver {
  constructor(private readonly members: MembersService) {}

  @Query(() => TenantMemberConnection, { description: "The tenant's users and their roles." })
  @RequireRole('admin')
  async tenantMembers(
    @CurrentPrincipal() p: Principal,
    @Args() args: TenantMembersArgs,
  ): Promise<Connection<TenantMemberModel>> {
    return this.members.list(p, args);
  }

  @Mutation(() => TenantMemberModel, {
    description: 'Lets a user act in a tenant with a role (or changes their role there).',
  })
  @RequireRole('admin')
  async addTenantMember(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: AddTenantMemberInput,
  ): Promise<TenantMemberModel> {
    return this.members.add(p, input);
  }

  @Mutation(() => TenantMemberModel, { description: 'Ends a membership; returns what it was.' })
  @RequireRole('admin')
  async removeTenantMember(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: RemoveTenantMemberInput,
  ): Promise<TenantMemberModel> {
    return this.members.remove(p, input);
  }
}
