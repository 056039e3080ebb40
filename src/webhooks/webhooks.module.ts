import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { AlertsModule } from '../alerts/alerts.module';
import { SECRET_BOX } from '../integrations/connections.service';
import { resolveMasterKey } from '../integrations/master-key';
import { SecretBox } from '../integrations/secret-box';
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
    {
      provide: SECRET_BOX,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SecretBox(resolveMasterKey(config)),
    },
  ],
})
export class WebhooksModule {}
