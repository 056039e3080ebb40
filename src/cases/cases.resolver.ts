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
import { EventBus, type DomainEvent } from '../events/event-bus';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionType, PageArgs, type Connection } from '../common/graphql/pagination';
import { SEVERITIES, type Severity } from '../alerts/severity';
import { Severity as SeverityEnum } from '../alerts/models/severity.enum';
import { CaseEventModel, CaseModel, CaseStatusEnum } from './models/case.model';
import { CASE_STATUSES, type CaseStatus } from './case-status';
import { CasesService } from './cases.service';
import { CaseUpdatesService } from './case-updates.service';
import { CaseMembershipService } from './case-membership.service';
import { CaseReportService } from './case-report.service';
import { toCaseEventModel, toCaseModel } from './mappers/case.mapper';
import {
  AddCaseCommentInput,
  CaseAlertsInput,
  CreateCaseInput,
  MergeCasesInput,
  UpdateCaseInput,
} from './dto/case.inputs';

const CaseConnection = ConnectionType(CaseModel, 'Case');

@ArgsType()
class CasesArgs extends PageArgs {
  @Field(() => CaseStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  assignee?: string;

  @Field(() => SeverityEnum, { nullable: true })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string;

  @Field({ nullable: true, description: 'Matches the title.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  text?: string;
}

@Resolver(() => CaseModel)
export class CasesResolver {
  constructor(
    private readonly service: CasesService,
    private readonly updates: CaseUpdatesService,
    private readonly membership: CaseMembershipService,
    private readonly events: EventBus,
    private readonly reports: CaseReportService,
  ) {}

  @Query(() => String, {
    description: 'The incident report for a case, in Markdown: what an MDR client receives.',
  })
  @RequireRole('viewer')
  async caseReport(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<string> {
    return this.reports.report(p.tenantId, id);
  }

  @Subscription(() => CaseModel, {
    description: "Changes to the caller's tenant's cases (or one case), after they commit.",
    filter: (event: Extract<DomainEvent, { type: 'case.updated' }>, variables: { caseId?: string }) =>
      !variables.caseId || event.case.id === variables.caseId,
    resolve: (event: Extract<DomainEvent, { type: 'case.updated' }>) => event.case,
  })
  @RequireRole('viewer')
  caseUpdated(
    @CurrentPrincipal() p: Principal,
    @Args('caseId', { type: () => ID, nullable: true }) _caseId?: string,
  ): AsyncIterableIterator<DomainEvent> {
    return this.events.subscribe(p.tenantId, ['case.updated']);
  }

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

  @ResolveField(() => [CaseEventModel], { description: 'Every change, oldest first.' })
  async timeline(@CurrentPrincipal() p: Principal, @Parent() parent: CaseModel): Promise<CaseEventModel[]> {
    return (await this.service.timeline(p.tenantId, parent.id)).map(toCaseEventModel);
  }

  @Mutation(() => CaseModel)
  @RequireRole('analyst')
  async createCase(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: CreateCaseInput,
  ): Promise<CaseModel> {
    return toCaseModel(await this.membership.create(p, input));
  }

  @Mutation(() => CaseModel)
  @RequireRole('analyst')
  async addAlertsToCase(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: CaseAlertsInput,
  ): Promise<CaseModel> {
    return toCaseModel(await this.membership.addAlerts(p, input));
  }

  @Mutation(() => CaseModel)
  @RequireRole('analyst')
  async removeAlertsFromCase(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: CaseAlertsInput,
  ): Promise<CaseModel> {
    return toCaseModel(await this.membership.removeAlerts(p, input));
  }

  @Mutation(() => CaseModel)
  @RequireRole('analyst')
  async mergeCases(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: MergeCasesInput,
  ): Promise<CaseModel> {
    return toCaseModel(await this.membership.merge(p, input));
  }

  @Mutation(() => CaseModel)
  @RequireRole('analyst')
  async updateCase(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: UpdateCaseInput,
  ): Promise<CaseModel> {
    return toCaseModel(await this.updates.update(p, input));
  }

  @Mutation(() => CaseModel)
  @RequireRole('analyst')
  async addCaseComment(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: AddCaseCommentInput,
  ): Promise<CaseModel> {
    return toCaseModel(await this.updates.addComment(p, input));
  }
}
