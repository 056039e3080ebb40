import {
  Args,
  ArgsType,
  Field,
  ID,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { RequireRole } from '../auth/roles.decorator';
import { RateLimited } from '../common/security/rate-limit';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionType, PageArgs, type Connection } from '../common/graphql/pagination';
import { EventBus, type DomainEvent } from '../events/event-bus';
import { ApprovalsService } from './approvals.service';
import { approvalsFor } from './approval-subscription';
import {
  ApprovalFilter,
  DecideApprovalInput,
  DecideApprovalsInput,
  IdentityChannelEnum,
  MapApproverIdentityInput,
  UnmapApproverIdentityInput,
} from './dto/approval.inputs';
import type { IdentityChannel } from './entities/approver-identity.entity';
import { ApproverIdentities } from './identities/approver-identities.service';
import { toApprovalEventModel, toApproverIdentityModel } from './mappers/approval.mapper';
import {
  ApprovalEventModel,
  ApprovalModel,
  ApproverIdentityModel,
  BulkDecisionResultModel,
} from './models/approval.model';

const ApprovalConnection = ConnectionType(ApprovalModel, 'Approval');

@ArgsType()
class ApprovalsArgs extends PageArgs {
  @Field(() => ApprovalFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ApprovalFilter)
  filter?: ApprovalFilter;
}

const channelOf = (c: 'SLACK' | 'EMAIL'): IdentityChannel => (c === 'SLACK' ? 'slack' : 'email');

@Resolver(() => ApprovalModel)
export class ApprovalsResolver {
  constructor(
    private readonly service: ApprovalsService,
    private readonly identities: ApproverIdentities,
    private readonly events: EventBus,
  ) {}

  @Query(() => ApprovalConnection, {
    description: 'Approvals of the tenant; `filter.mine` keeps the pending ones the caller may decide now.',
  })
  @RequireRole('viewer')
  async approvals(
    @CurrentPrincipal() p: Principal,
    @Args() args: ApprovalsArgs,
  ): Promise<Connection<ApprovalModel>> {
    return this.service.list(p, args.filter ?? {}, args);
  }

  @Query(() => ApprovalModel)
  @RequireRole('viewer')
  async approval(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ApprovalModel> {
    return this.service.get(p.tenantId, id);
  }

  @ResolveField(() => [ApprovalEventModel], { description: 'Every transition, oldest first.' })
  async timeline(
    @CurrentPrincipal() p: Principal,
    @Parent() parent: ApprovalModel,
  ): Promise<ApprovalEventModel[]> {
    return (await this.service.timeline(p.tenantId, parent.id)).map(toApprovalEventModel);
  }

  // Analysts may call it so that the workflow can accept named approvers; roles are checked there.
  @Mutation(() => ApprovalModel)
  @RequireRole('analyst')
  @RateLimited('approval')
  async decideApproval(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: DecideApprovalInput,
  ): Promise<ApprovalModel> {
    return this.service.decide(p, input);
  }

  @Mutation(() => [BulkDecisionResultModel], {
    description: 'Decides several pending approvals of one case; each is validated by its own workflow.',
  })
  @RequireRole('analyst')
  @RateLimited('approval')
  async decideApprovals(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: DecideApprovalsInput,
  ): Promise<BulkDecisionResultModel[]> {
    return this.service.decideMany(p, input);
  }

  @Subscription(() => ApprovalModel, {
    description:
      "Approvals of the caller's tenant that the caller may decide, as they open or escalate to them (optionally of one case).",
    resolve: (event: Extract<DomainEvent, { type: 'approval.requested' }>) => event.approval,
  })
  @RequireRole('viewer')
  approvalRequested(
    @CurrentPrincipal() p: Principal,
    @Args('caseId', { type: () => ID, nullable: true }) caseId?: string,
  ): AsyncIterableIterator<DomainEvent> {
    return approvalsFor(this.events.subscribe(p.tenantId, ['approval.requested']), p, caseId);
  }

  @Query(() => [ApproverIdentityModel], {
    description: 'Slack users and e-mail addresses mapped to approvers.',
  })
  @RequireRole('admin')
  async approverIdentities(
    @CurrentPrincipal() p: Principal,
    @Args('channel', { type: () => IdentityChannelEnum, nullable: true }) channel?: 'SLACK' | 'EMAIL',
  ): Promise<ApproverIdentityModel[]> {
    return (await this.identities.list(p.tenantId, channel ? channelOf(channel) : undefined)).map(
      toApproverIdentityModel,
    );
  }

  @Mutation(() => ApproverIdentityModel, {
    description: 'Lets a Slack user or e-mail address decide approvals as an API key actor (with its role).',
  })
  @RequireRole('admin')
  async mapApproverIdentity(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: MapApproverIdentityInput,
  ): Promise<ApproverIdentityModel> {
    return toApproverIdentityModel(
      await this.identities.map(p, {
        channel: channelOf(input.channel),
        externalId: input.externalId,
        actorId: input.actorId,
      }),
    );
  }

  @Mutation(() => Boolean, { description: 'Removes a mapping; false when there was none.' })
  @RequireRole('admin')
  async unmapApproverIdentity(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: UnmapApproverIdentityInput,
  ): Promise<boolean> {
    return this.identities.unmap(p.tenantId, channelOf(input.channel), input.externalId);
  }
}
