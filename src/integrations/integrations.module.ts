import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ConnectionsService, SECRET_BOX } from './connections.service';
import { ConnectionTester } from './connection-tester';
import { IntegrationsResolver } from './integrations.resolver';
import { IntegrationsService } from './integrations.service';
import { resolveMasterKey } from './master-key';
import { SecretBox } from './secret-box';
import { DemoService } from '../demo/demo.service';

@Module({
  providers: [
    IntegrationsService,
    ConnectionsService,
    ConnectionTester,
    IntegrationsResolver,
    DemoService,
    {
      provide: SECRET_BOX,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SecretBox(resolveMasterKey(config)),
    },
  ],
  exports: [IntegrationsService, ConnectionsService, DemoService],
})
export class IntegrationsModule {}
