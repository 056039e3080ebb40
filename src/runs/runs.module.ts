import { Module } from '@nestjs/common';
import { PlaybooksModule } from '../playbooks/playbooks.module';
import { RunDispatcher } from './run-dispatcher';
import { RunsProjection } from './runs-projection.service';
import { RunsResolver } from './runs.resolver';
import { RunsService } from './runs.service';

@Module({
  imports: [PlaybooksModule],
  providers: [RunsService, RunsResolver, RunDispatcher, RunsProjection],
  exports: [RunsService, RunDispatcher, RunsProjection],
})
export class RunsModule {}
