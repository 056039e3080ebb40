import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { defaultIntegrationDirs, discoverIntegrations } from './integration-registry';
import type { IntegrationDefinition } from './kit/integration.types';
import { IntegrationsException } from './integrations.exception';

/** The installed integrations, discovered from folders at start; nothing is listed by hand. */
@Injectable()
export class IntegrationsService {
  private readonly logger = new Logger(IntegrationsService.name);
  private readonly byId: Map<string, IntegrationDefinition>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const found = discoverIntegrations(defaultIntegrationDirs(config.integrationsPath));
    this.byId = new Map(found.map((d) => [d.manifest.id, d]));
    this.logger.log(`integrations: ${[...this.byId.keys()].join(', ') || 'none'}`);
  }

  list(): IntegrationDefinition[] {
    return [...this.byId.values()].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): IntegrationDefinition {
    const def = this.byId.get(id);
    if (!def) throw IntegrationsException.unknownIntegration(id);
    return def;
  }
}
