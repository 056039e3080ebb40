import { Args, ArgsType, Field, ID, Query, Resolver } from '@nestjs/graphql';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { RequireRole } from '../auth/roles.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionType, PageArgs, type Connection } from '../common/graphql/pagination';
import { PlaybookRunModel, RunStatusEnum } from './models/playbook-run.model';
import { RUN_STATUSES, type RunStatus } from './run-status';
import { RunsService } from './runs.service';

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
  constructor(private readonly runs: RunsService) {}

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
}
