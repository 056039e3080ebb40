import { Module } from '@nestjs/common';
import { ConnectionsService } from './connections.service';
import { ConnectionTester } from './connection-tester';
import { IntegrationsResolver } from './integrations.resolver';
import { IntegrationsService } from './integrations.service';
import { secretBoxProvider } from './master-key';
import { DemoService } from '../demo/demo.service';

@Module({
  providers: [
    IntegrationsService,
    ConnectionsService,
    ConnectionTester,
    IntegrationsResolver,
    DemoService,
    secretBoxProvider,
  ],
  exports: [IntegrationsService, ConnectionsService, DemoService],
})
export class IntegrationsModule {}
