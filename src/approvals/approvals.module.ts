import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ApprovalsProjection } from './approvals-projection.service';
import { ApprovalsResolver } from './approvals.resolver';
import { ApprovalsService } from './approvals.service';
import { ApproverIdentities } from './identities/approver-identities.service';
import { ApprovalLinksController } from './links/approval-links.controller';
import { ApprovalLinks } from './links/approval-links.service';
import { ApprovalNotifier } from './notify/approval-notifier.service';
import { IntegrationActionRunner } from './notify/integration-action.runner';
import { SlackInteractionsController } from './slack/slack-interactions.controller';
import { SlackInteractions } from './slack/slack-interactions.service';

/**
 * Approvals: the projection the workflow writes, the API that sends decisions to it (GraphQL,
 * Slack buttons, e-mail and Teams links), and the messages that tell people an approval waits.
 */
@Module({
  imports: [IntegrationsModule, AuthModule],
  controllers: [SlackInteractionsController, ApprovalLinksController],
  providers: [
    ApprovalsService,
    ApprovalsResolver,
    ApprovalsProjection,
    ApprovalNotifier,
    IntegrationActionRunner,
    ApprovalLinks,
    ApproverIdentities,
    SlackInteractions,
    // APPROVAL_AUDIT (the decision's audit record) comes from the global AuditModule.
  ],
  exports: [ApprovalsProjection, ApprovalsService],
})
export class ApprovalsModule {}
