import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { IntegrationsService } from '../integrations/integrations.service';
import { actionCatalogue } from './action-catalogue';
import { PlaybooksResolver } from './playbooks.resolver';
import { ACTION_CATALOGUE, PlaybooksService } from './playbooks.service';

@Module({
  imports: [IntegrationsModule],
  providers: [
    PlaybooksService,
    PlaybooksResolver,
    {
      // Playbooks are checked against the integrations this installation actually has.
      provide: ACTION_CATALOGUE,
      inject: [IntegrationsService],
      useFactory: (integrations: IntegrationsService) => actionCatalogue(integrations.list()),
    },
  ],
  exports: [PlaybooksService],
})
export class PlaybooksModule {}
