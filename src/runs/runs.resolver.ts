import { Args, ArgsType, Field, ID, Query, Resolver, Subscription } from '@nestjs/graphql';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionType, PageArgs, type Connection } from '../common/graphql/pagination';
import { PlaybookRunModel, RunStatusEnum } from './models/playbook-run.model';
import { RUN_STATUSES, type RunStatus } from './run-status';
import { RunsService } from './runs.service';
import { EventBus, type DomainEvent } from '../events/event-bus';

const PlaybookRunConnection = ConnectionType(PlaybookRunModel, 'PlaybookRun');

@ArgsType()
class PlaybookRunsArgs extends PageArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @Field(() => RunStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;
}

@Resolver(() => PlaybookRunModel)
export class RunsResolver {
  constructor(
    private readonly runs: RunsService,
    private readonly events: EventBus,
  ) {}

  @Query(() => PlaybookRunModel)
  @RequireRole('viewer')
  async playbookRun(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<PlaybookRunModel> {
    return this.runs.get(p.tenantId, id);
  }

  @Query(() => PlaybookRunConnection)
  @RequireRole('viewer')
  async playbookRuns(
    @CurrentPrincipal() p: Principal,
    @Args() args: PlaybookRunsArgs,
  ): Promise<Connection<PlaybookRunModel>> {
    return this.runs.list(p.tenantId, args);
  }

  @Subscription(() => PlaybookRunModel, {
    description:
      "A run of the caller's tenant after each recorded change (start, step attempt, step outcome, end); " +
      'optionally one run or the runs of one case.',
    filter(
      this: RunsResolver,
      event: Extract<DomainEvent, { type: 'run.updated' }>,
      variables: { runId?: string; caseId?: string },
    ) {
      if (variables.runId && event.runId !== variables.runId) return false;
      if (!variables.caseId) return true;
      // Events reach only their own tenant's subscribers, so the event's tenant is the caller's.
      return this.runs.get(event.tenantId, event.runId).then(
        (run) => run.caseId === variables.caseId,
        () => false,
      );
    },
    resolve(this: RunsResolver, event: Extract<DomainEvent, { type: 'run.updated' }>) {
      return this.runs.get(event.tenantId, event.runId);
    },
  })
  @RequireRole('viewer')
  playbookRunUpdated(
    @CurrentPrincipal() p: Principal,
    @Args('runId', { type: () => ID, nullable: true }) _runId?: string,
    @Args('caseId', { type: () => ID, nullable: true }) _caseId?: string,
  ): AsyncIterableIterator<DomainEvent> {
    return this.events.subscribe(p.tenantId, ['run.updated']);
  }
}
