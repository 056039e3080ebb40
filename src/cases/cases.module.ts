import { Module } from '@nestjs/common';
import { CasesResolver } from './cases.resolver';
import { CasesService } from './cases.service';
import { CaseUpdatesService } from './case-updates.service';
import { CaseMembershipService } from './case-membership.service';
import { CaseMetricsService } from './case-metrics.service';
import { MetricsResolver } from './metrics.resolver';
import { CaseEventsPublisher } from './case-events.publisher';
import { CaseReportService } from './case-report.service';

@Module({
  providers: [
    CaseEventsPublisher,
    CasesService,
    CaseUpdatesService,
    CaseMembershipService,
    CaseMetricsService,
    CaseReportService,
    CasesResolver,
    MetricsResolver,
  ],
  exports: [CasesService, CaseUpdatesService],
})
export class CasesModule {}
