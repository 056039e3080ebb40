import { Args, ArgsType, Field, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionType, PageArgs, type Connection } from '../common/graphql/pagination';
import { ApprovalsService } from './approvals.service';
import { ApprovalFilter, DecideApprovalInput } from './dto/approval.inputs';
import { ApprovalModel } from './models/approval.model';

const ApprovalConnection = ConnectionType(ApprovalModel, 'Approval');

@ArgsType()
class ApprovalsArgs extends PageArgs {
  @Field(() => ApprovalFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ApprovalFilter)
  filter?: ApprovalFilter;
}

@Resolver(() => ApprovalModel)
export class ApprovalsResolver {
  constructor(private readonly service: ApprovalsService) {}

  @Query(() => ApprovalConnection)
  @RequireRole('viewer')
  async approvals(
    @CurrentPrincipal() p: Principal,
    @Args() args: ApprovalsArgs,
  ): Promise<Connection<ApprovalModel>> {
    return this.service.list(p, args.filter ?? {}, args);
  }

  // Analysts may call it so that the workflow can accept named approvers; roles are checked there.
  @Mutation(() => ApprovalModel)
  @RequireRole('analyst')
  async decideApproval(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: DecideApprovalInput,
  ): Promise<ApprovalModel> {
    return this.service.decide(p, input);
  }
}
