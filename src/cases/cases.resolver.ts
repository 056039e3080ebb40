import { Args, ID, Query, Resolver, ArgsType, Field } from '@nestjs/graphql';
import { IsIn, IsOptional } from 'class-validator';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionType, PageArgs, type Connection } from '../common/graphql/pagination';
import { CaseModel, CaseStatusEnum } from './models/case.model';
import { CASE_STATUSES, type CaseStatus } from './case-status';
import { CasesService } from './cases.service';
import { toCaseModel } from './mappers/case.mapper';

const CaseConnection = ConnectionType(CaseModel, 'Case');

@ArgsType()
class CasesArgs extends PageArgs {
  @Field(() => CaseStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;
}

@Resolver(() => CaseModel)
export class CasesResolver {
  constructor(private readonly service: CasesService) {}

  @Query(() => CaseModel)
  @RequireRole('viewer')
  async case(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<CaseModel> {
    return toCaseModel(await this.service.get(p.tenantId, id));
  }

  @Query(() => CaseConnection)
  @RequireRole('viewer')
  async cases(@CurrentPrincipal() p: Principal, @Args() args: CasesArgs): Promise<Connection<CaseModel>> {
    return this.service.list(p.tenantId, args);
  }
}
