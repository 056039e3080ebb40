import { Args, ArgsType, Field, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CaseModel } from '../cases/models/case.model';
import { IsOptional, IsUUID } from 'class-validator';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionType, PageArgs, type Connection } from '../common/graphql/pagination';
import { ListValidationPipe } from '../common/errors/list-validation.pipe';
import { AlertsService } from './alerts.service';
import { AlertInput } from './dto/alert.input';
import { AlertModel, IngestAlertsPayload } from './models/alert.model';

const AlertConnection = ConnectionType(AlertModel, 'Alert');
export const MAX_INGEST_BATCH = 1000;

@ArgsType()
class AlertsArgs extends PageArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  caseId?: string;
}

@Resolver(() => AlertModel)
export class AlertsResolver {
  constructor(private readonly service: AlertsService) {}

  @Mutation(() => IngestAlertsPayload)
  @RequireRole('analyst')
  async ingestAlerts(
    @CurrentPrincipal() p: Principal,
    @Args(
      'input',
      { type: () => [AlertInput] },
      new ListValidationPipe(AlertInput, 'input', MAX_INGEST_BATCH),
    )
    input: AlertInput[],
  ): Promise<IngestAlertsPayload> {
    return this.service.ingest(p, input);
  }

  @Query(() => AlertModel)
  @RequireRole('viewer')
  async alert(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AlertModel> {
    return this.service.get(p.tenantId, id);
  }

  @Query(() => AlertConnection)
  @RequireRole('viewer')
  async alerts(@CurrentPrincipal() p: Principal, @Args() args: AlertsArgs): Promise<Connection<AlertModel>> {
    return this.service.list(p.tenantId, args);
  }
}

/** `Case.alerts`: lives here because alerts depend on cases, not the other way round. */
@Resolver(() => CaseModel)
export class CaseAlertsResolver {
  constructor(private readonly service: AlertsService) {}

  @ResolveField(() => AlertConnection)
  async alerts(
    @CurrentPrincipal() p: Principal,
    @Parent() parent: CaseModel,
    @Args() page: PageArgs,
  ): Promise<Connection<AlertModel>> {
    return this.service.list(p.tenantId, { ...page, caseId: parent.id });
  }
}
