import { Module } from '@nestjs/common';
import { ApprovalsProjection } from './approvals-projection.service';
import { ApprovalsResolver } from './approvals.resolver';
import { ApprovalsService } from './approvals.service';

@Module({
  providers: [ApprovalsService, ApprovalsResolver, ApprovalsProjection],
  exports: [ApprovalsProjection],
})
export class ApprovalsModule {}
