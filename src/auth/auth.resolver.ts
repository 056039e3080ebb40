import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequireProviderAdmin, RequireRole } from './roles.decorator';
import { CurrentPrincipal } from './current-principal.decorator';
import type { Principal } from './principal';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyInput, CreateTenantInput, type RoleEnumValue } from './dto/create-api-key.input';
import { CreateApiKeyPayload, MeModel, TenantModel } from './models/api-key.model';
import { TenancyService } from '../tenancy/tenancy.service';
import { TenantDb } from '../database/tenant-db';
import type { RoleName } from './roles';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly tenancy: TenancyService,
    private readonly db: TenantDb,
  ) {}

  @Query(() => MeModel)
  @RequireRole('viewer')
  me(@CurrentPrincipal() p: Principal): MeModel {
    return {
      kind: p.kind === 'user' ? 'USER' : 'API_KEY',
      actorId: p.actorId,
      name: p.name,
      tenantId: p.tenantId,
      role: p.role.toUpperCase() as RoleEnumValue,
      providerAdmin: p.providerAdmin,
      email: p.kind === 'user' ? p.email : null,
    };
  }

  @Mutation(() => CreateApiKeyPayload)
  @RequireRole('admin')
  async createApiKey(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: CreateApiKeyInput,
  ): Promise<CreateApiKeyPayload> {
    const tenantId = await this.tenancy.targetOf(p, input.tenantId);
    const { key, secret } = await this.db.run(tenantId, (em) =>
      this.apiKeys.create(em, {
        tenantId,
        name: input.name,
        role: input.role.toLowerCase() as RoleName,
        expiresAt: input.expiresAt ?? null,
      }),
    );
    return {
      secret,
      apiKey: {
        id: key.id,
        tenantId: key.tenantId,
        name: key.name,
        role: input.role,
        prefix: key.prefix,
        createdAt: key.createdAt,
        expiresAt: key.expiresAt,
        revokedAt: key.revokedAt,
      },
    };
  }

  @Mutation(() => TenantModel)
  @RequireProviderAdmin()
  async createTenant(@Args('input') input: CreateTenantInput): Promise<TenantModel> {
    const t = await this.tenancy.createTenant(input.name);
    return { id: t.id, name: t.name, createdAt: t.createdAt };
  }
}
