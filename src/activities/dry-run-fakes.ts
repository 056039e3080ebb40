import type { IntegrationsService } from '../integrations/integrations.service';
import { AppError } from '../common/errors/app-error';
import { CAPABILITIES } from '../integrations/kit/capabilities';
import type {
  FakeVendorServer,
  IntegrationAction,
  IntegrationDefinition,
} from '../integrations/kit/integration.types';

export interface DryRunTarget {
  definition: IntegrationDefinition;
  action: IntegrationAction;
  connection: {
    id: string;
    baseUrl: string;
    settings: Record<string, unknown>;
    secrets: Record<string, string>;
  };
}

/**
 * The vendors' fakes that dry runs act against: one per integration per worker, started on first
 * use, holding the fixtures every fake ships with. A dry run exercises the real adapter code and
 * the real vendor protocol, and nothing reaches a customer's systems.
 */
export class DryRunFakes {
  private readonly fakes = new Map<string, Promise<FakeVendorServer>>();

  constructor(private readonly integrations: IntegrationsService) {}

  /** The integration and action a dry run uses: the tenant's binding if any, else the first claimant. */
  async resolve(actionName: string, boundIntegrationId: string | null): Promise<DryRunTarget> {
    let definition: IntegrationDefinition | undefined;
    let name: string | undefined;
    if (actionName in CAPABILITIES) {
      definition = boundIntegrationId
        ? this.integrations.get(boundIntegrationId)
        : this.integrations.list().find((i) => actionName in i.manifest.capabilities);
      name = definition?.manifest.capabilities[actionName];
    } else {
      const dot = actionName.indexOf('.');
      const head = actionName.slice(0, dot);
      definition = this.integrations.has(head) ? this.integrations.get(head) : undefined;
      name = actionName.slice(dot + 1);
    }
    const action = definition && name ? definition.actions[name] : undefined;
    if (!definition || !action) {
      throw new AppError('BAD_USER_INPUT', `dry run: no installed integration implements "${actionName}"`);
    }
    const url = await this.fakeUrl(definition);
    const connection = definition.fakeConnection(url);
    return { definition, action, connection: { id: `dry-run:${definition.manifest.id}`, ...connection } };
  }

  private async fakeUrl(definition: IntegrationDefinition): Promise<string> {
    const id = definition.manifest.id;
    let fake = this.fakes.get(id);
    if (!fake) {
      const server = definition.createFake();
      fake = server.start(0).then(() => server);
      this.fakes.set(id, fake);
      fake.catch(() => this.fakes.delete(id));
    }
    return (await fake).url;
  }

  async stop(): Promise<void> {
    const all = [...this.fakes.values()];
    this.fakes.clear();
    await Promise.allSettled(all.map(async (f) => (await f).stop()));
  }
}
