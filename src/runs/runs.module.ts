import { Module } from '@nestjs/common';
import { PlaybooksModule } from '../playbooks/playbooks.module';
import { RunDispatcher } from './run-dispatcher';
import { RunsProjection } from './runs-projection.service';
import { RunsResolver } from './runs.resolver';
import { RunsService } from './runs.service';
import { RunLauncher } from './run-launcher.service';
import { RunControlResolver } from './run-control.resolver';
import { RunSignals } from './run-signals.service';
import { CaseTriggers } from './case-triggers.service';

@Module({
  imports: [PlaybooksModule],
  providers: [
    RunsService,
    RunsResolver,
    RunControlResolver,
    RunDispatcher,
    RunsProjection,
    RunLauncher,
    RunSignals,
    CaseTriggers,
  ],
  exports: [RunsService, RunDispatcher, RunsProjection, RunLauncher],
})
export class RunsModule {}
