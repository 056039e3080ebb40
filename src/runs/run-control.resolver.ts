import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { RequireRole } from '../auth/roles.decorator';
import { CancelPlaybookRunInput, RunPlaybookInput } from './dto/run.inputs';
import { PlaybookRunModel } from './models/playbook-run.model';
import { RunPlaybookPayload } from './models/run-playbook.payload';
import { RunLauncher } from './run-launcher.service';
import { RunsService } from './runs.service';

/** Starting and stopping runs by hand. */
@Resolver()
export class RunControlResolver {
  constructor(
    private readonly launcher: RunLauncher,
    private readonly runs: RunsService,
  ) {}

  @Mutation(() => RunPlaybookPayload)
  @RequireRole('responder')
  async runPlaybook(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: RunPlaybookInput,
  ): Promise<RunPlaybookPayload> {
    const { runId, result } = await this.launcher.startManual(p, input);
    return {
      run: await this.runs.get(p.tenantId, runId),
      calls: result?.calls?.map((c) => ({ output: null, error: null, ...c })) ?? null,
    };
  }

  @Mutation(() => PlaybookRunModel)
  @RequireRole('responder')
  async cancelPlaybookRun(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: CancelPlaybookRunInput,
  ): Promise<PlaybookRunModel> {
    await this.launcher.cancel(p, input.runId, input.reason);
    return this.runs.get(p.tenantId, input.runId);
  }
}
