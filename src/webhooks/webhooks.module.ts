import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { secretBoxProvider } from '../integrations/master-key';
import { WebhooksController } from './webhooks.controller';
import { WebhooksResolver } from './webhooks.resolver';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookIngestService } from './webhook-ingest.service';

/** Signed alert webhooks (API role only): endpoint management over GraphQL, pushes over REST. */
@Module({
  imports: [AlertsModule],
  controllers: [WebhooksController],
  providers: [
    WebhookEndpointsService,
    WebhookDeliveriesService,
    WebhookIngestService,
    WebhooksResolver,
    // Same master key and envelope scheme as connection secrets (IntegrationsModule keeps its box private).
    secretBoxProvider,
  ],
})
export class WebhooksModule {}
