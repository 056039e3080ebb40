import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConnectionsService } from '../integrations/connections.service';
import { IntegrationsService } from '../integrations/integrations.service';
import type { FakeVendorServer, IntegrationDefinition } from '../integrations/kit/integration.types';

/** Which integration a demo tenant uses for each capability family (the first shipped one). */
const DEMO_BINDINGS: Record<string, string> = {
  edr: 'crowdstrike-falcon',
  identity: 'okta',
  firewall: 'palo-alto-panos',
  email: 'microsoft-365-mail',
  intel: 'virustotal',
  notify: 'slack',
};

/**
 * CORDON_DEMO=1: a newcomer's tenant acts on fakes instead of vendors. Every shipped
 * integration's fake starts in-process (holding the same fixtures as the tests: hosts WS-01 and
 * SRV-DB-02, user alice@example.com, the phishing message …), gets a `demo-<id>` connection,
 * and each capability family is bound, so a HIGH alert naming WS-01 runs contain-host end to end.
 * The fakes' addresses change at every start; the connections are updated to follow.
 */
@Injectable()
export class DemoService implements OnApplicationShutdown {
  private readonly logger = new Logger(DemoService.name);
  private readonly fakes: FakeVendorServer[] = [];

  constructor(
    private readonly integrations: IntegrationsService,
    private readonly connections: ConnectionsService,
  ) {}

  async start(tenantId: string): Promise<string[]> {
    const bound: string[] = [];
    for (const [family, integrationId] of Object.entries(DEMO_BINDINGS)) {
      if (!this.integrations.has(integrationId)) continue;
      const definition = this.integrations.get(integrationId);
      const connectionId = await this.connect(tenantId, definition);
      await this.connections.bind(tenantId, family, connectionId);
      bound.push(`${family} → ${integrationId}`);
    }
    this.logger.log(`demo: ${bound.join(', ')}`);
    return bound;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.fakes.splice(0).map((f) => f.stop()));
  }

  private async connect(tenantId: string, definition: IntegrationDefinition): Promise<string> {
    const fake = definition.createFake();
    const url = await fake.start(0);
    this.fakes.push(fake);
    const connection = definition.fakeConnection(url);
    const row = await this.connections.upsert(tenantId, {
      integrationId: definition.manifest.id,
      name: `demo-${definition.manifest.id}`,
      settings: {
        ...('baseUrl' in definition.manifest.settings ? { baseUrl: connection.baseUrl } : {}),
        ...connection.settings,
      },
      secrets: connection.secrets,
    });
    return row.id;
  }
}
