import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionsService } from './connections.service';
import { IntegrationsService } from './integrations.service';
import { BindCapabilityInput, UpsertConnectionInput } from './dto/connection.inputs';
import {
  CapabilityBindingModel,
  ConnectionModel,
  ConnectionTestResult,
  IntegrationModel,
} from './models/integration.model';
import { toConnectionModel, toIntegrationModel } from './mappers/integration.mapper';
import { ConnectionTester } from './connection-tester';
import { actorOf } from '../audit/audit-actor';

@Resolver()
export class IntegrationsResolver {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly connectionsService: ConnectionsService,
    private readonly tester: ConnectionTester,
  ) {}

  @Query(() => [IntegrationModel], {
    name: 'integrations',
    description: 'The catalogue of installed integrations.',
  })
  @RequireRole('viewer')
  catalogue(): IntegrationModel[] {
    return this.integrations.list().map(toIntegrationModel);
  }

  @Query(() => [ConnectionModel])
  @RequireRole('analyst')
  async connections(@CurrentPrincipal() p: Principal): Promise<ConnectionModel[]> {
    const rows = await this.connectionsService.list(p.tenantId);
    return rows.map((r) => toConnectionModel(r, this.connectionsService.secretNames(r)));
  }

  @Mutation(() => ConnectionModel)
  @RequireRole('admin')
  async upsertConnection(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: UpsertConnectionInput,
  ): Promise<ConnectionModel> {
    const row = await this.connectionsService.upsert(p.tenantId, input);
    return toConnectionModel(row, this.connectionsService.secretNames(row));
  }

  @Mutation(() => CapabilityBindingModel)
  @RequireRole('admin')
  async bindCapability(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: BindCapabilityInput,
  ): Promise<CapabilityBindingModel> {
    const b = await this.connectionsService.bind(p.tenantId, input.capability, input.connectionId);
    return { capability: b.capability, connectionId: b.connectionId };
  }

  @Mutation(() => ConnectionTestResult)
  @RequireRole('admin')
  async testConnection(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ConnectionTestResult> {
    return this.tester.test(p.tenantId, id, actorOf(p));
  }
}
