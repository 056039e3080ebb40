import { Injectable } from '@nestjs/common';
import { ConnectionsService } from './connections.service';
import { IntegrationsService } from './integrations.service';
import { HttpClient } from './kit/http-client';
import { VendorError } from './kit/vendor-error';
import type { ConnectionTestResult } from './models/integration.model';
import type { AuditActor } from '../audit/audit-chain';

/** `testConnection`: runs the integration's health check with the stored credentials. */
@Injectable()
export class ConnectionTester {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly integrations: IntegrationsService,
  ) {}

  async test(tenantId: string, connectionId: string, actor?: AuditActor): Promise<ConnectionTestResult> {
    const row = await this.connections.get(tenantId, connectionId);
    const definition = this.integrations.get(row.integrationId);
    const connection = await this.connections.open(tenantId, row, { actor, purpose: 'health check' });
    await this.connections.assertReachable(connection);
    const http = new HttpClient({
      vendor: definition.manifest.vendor,
      baseUrl: connection.baseUrl,
      maxAttempts: 1,
    });
    try {
      await definition.healthCheck({ connection, idempotencyKey: `health/${connectionId}`, http });
      return { ok: true, message: null };
    } catch (err) {
      const message =
        err instanceof VendorError ? `${err.vendor}: ${err.message}` : 'the health check failed';
      return { ok: false, message };
    }
  }
}
