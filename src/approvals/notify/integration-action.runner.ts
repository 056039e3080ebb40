import { Injectable } from '@nestjs/common';
import { ConnectionsService, type ResolvedAction } from '../../integrations/connections.service';
import { HttpClient } from '../../integrations/kit/http-client';

/**
 * Runs a tenant's integration action outside a playbook step: the approval's own messages
 * (Slack buttons, Teams card, e-mail). One client per connection version, as the action
 * activity keeps them, so circuit breakers and concurrency limits hold across calls.
 */
@Injectable()
export class IntegrationActionRunner {
  private readonly clients = new Map<string, HttpClient>();

  constructor(private readonly connections: ConnectionsService) {}

  resolve(tenantId: string, action: string): Promise<ResolvedAction> {
    return this.connections.resolve(tenantId, action);
  }

  async run(
    resolved: ResolvedAction,
    input: Record<string, unknown>,
    idempotencyKey: string,
  ): Promise<Record<string, unknown>> {
    const { connection } = resolved;
    const key = `${connection.id}@${connection.version}`;
    let http = this.clients.get(key);
    if (!http) {
      for (const k of this.clients.keys()) if (k.startsWith(`${connection.id}@`)) this.clients.delete(k);
      http = new HttpClient({ vendor: resolved.definition.manifest.vendor, baseUrl: connection.baseUrl });
      this.clients.set(key, http);
    }
    return resolved.action.run({ connection, idempotencyKey, http }, input);
  }
}
