import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { RunsModule } from '../runs/runs.module';
import { AlertsResolver, CaseAlertsResolver, IngestAlertsPayloadResolver } from './alerts.resolver';
import { AlertsService } from './alerts.service';

@Module({
  imports: [CasesModule, RunsModule],
  providers: [AlertsService, AlertsResolver, CaseAlertsResolver, IngestAlertsPayloadResolver],
  exports: [AlertsService],
})
export class AlertsModule {}
