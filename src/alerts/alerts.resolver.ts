import {
  Args,
  ArgsType,
  Context,
  Field,
  GraphQLISODateTime,
  ID,
  InputType,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { EventBus, type DomainEvent } from '../events/event-bus';
import DataLoader from 'dataloader';
import { CaseModel } from '../cases/models/case.model';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ALERT_STATUSES, type AlertStatus } from './alert-status';
import { SEVERITIES, type Severity as SeverityName } from './severity';
import { OBSERVABLE_TYPES, type ObservableType as ObservableTypeName } from './observable-type';
import { AlertStatusEnum, ObservableType, Severity } from './models/severity.enum';
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

  @Field(() => AlertStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(ALERT_STATUSES)
  status?: AlertStatus;

  @Field(() => Severity, { nullable: true, description: 'This severity or higher.' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severityAtLeast?: SeverityName;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  source?: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  detectedFrom?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  detectedTo?: Date;

  @Field({
    nullable: true,
    description: 'Alerts that saw this value (IP, domain, hash, host, …); defanged forms match.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  observable?: string;

  @Field(() => ObservableType, { nullable: true })
  @IsOptional()
  @IsIn(OBSERVABLE_TYPES)
  observableType?: ObservableTypeName;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(/^T\d{4}(\.\d{3})?$/, { message: 'technique must look like T1486 or T1059.001' })
  technique?: string;

  @Field({ nullable: true, description: 'Matches title or description.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  text?: string;
}

@InputType()
class UpdateAlertInput {
  @Field(() => ID)
  @IsUUID()
  alertId!: string;

  @Field(() => AlertStatusEnum)
  @IsIn(ALERT_STATUSES)
  status!: AlertStatus;
}

@Resolver(() => AlertModel)
export class AlertsResolver {
  constructor(
    private readonly service: AlertsService,
    private readonly events: EventBus,
  ) {}

  @Subscription(() => AlertModel, {
    description: "New alerts of the caller's tenant, after they are stored.",
    resolve: (event: Extract<DomainEvent, { type: 'alert.ingested' }>) => event.alert,
  })
  @RequireRole('viewer')
  alertIngested(@CurrentPrincipal() p: Principal): AsyncIterableIterator<DomainEvent> {
    return this.events.subscribe(p.tenantId, ['alert.ingested']);
  }

  @Mutation(() => IngestAlertsPayload)
  @RequireRole('analyst')
  async ingestAlerts(
    @CurrentPrincipal() p: Principal,
    @Args(
      'input',
      { type: () => [AlertInput] },
      new ListValidationPipe(AlertInput, 'input', MAX_INGEST_BATCH, AlertInput.fromPlain),
    )
    input: AlertInput[],
  ): Promise<IngestAlertsPayload> {
    return this.service.ingest(p, input);
  }

  @Mutation(() => AlertModel)
  @RequireRole('analyst')
  async updateAlert(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: UpdateAlertInput,
  ): Promise<AlertModel> {
    return this.service.setStatus(p.tenantId, input.alertId, input.status);
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

/** What an ingest stored, read only when the caller selects it. */
@Resolver(() => IngestAlertsPayload)
export class IngestAlertsPayloadResolver {
  constructor(private readonly service: AlertsService) {}

  @ResolveField(() => [AlertModel], {
    description: 'Per input, in order: the alert it became or folded into.',
  })
  async alerts(
    @CurrentPrincipal() p: Principal,
    @Parent() payload: IngestAlertsPayload,
  ): Promise<AlertModel[]> {
    return this.service.byIds(p.tenantId, payload.alertIds);
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
    @Context() ctx: { loaders?: Map<string, DataLoader<string, Connection<AlertModel>>> },
  ): Promise<Connection<AlertModel>> {
    if (page.after) return this.service.list(p.tenantId, { ...page, caseId: parent.id });
    // One loader per request and page size: every case of the page is fetched together.
    ctx.loaders ??= new Map();
    const key = `case-alerts/${p.tenantId}/${page.first}`;
    let loader = ctx.loaders.get(key);
    if (!loader) {
      loader = new DataLoader((ids: readonly string[]) =>
        this.service.firstAlertsOfCases(p.tenantId, ids, page.first),
      );
      ctx.loaders.set(key, loader);
    }
    return loader.load(parent.id);
  }
}
