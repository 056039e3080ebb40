import type { IntegrationDefinition } from '../kit/integration.types';
import type { ConnectionEntity } from '../entities/connection.entity';
import type { ConnectionModel, IntegrationModel } from '../models/integration.model';

export function toIntegrationModel(d: IntegrationDefinition): IntegrationModel {
  const m = d.manifest;
  return {
    id: m.id,
    vendor: m.vendor,
    product: m.product,
    category: m.category,
    version: m.version,
    docsUrl: m.docsUrl,
    description: m.description,
    capabilities: Object.keys(m.capabilities).sort(),
    settings: m.settings,
    secrets: Object.keys(m.secrets),
    actions: Object.values(d.actions).map((a) => ({
      name: a.name,
      description: a.description,
      mutating: a.mutating,
      inputSchema: a.inputSchema,
      outputSchema: a.outputSchema,
    })),
  };
}

/** Deliberately field by field: the encrypted columns must never reach a client. */
export function toConnectionModel(row: ConnectionEntity, secretNames: string[]): ConnectionModel {
  return {
    id: row.id,
    integrationId: row.integrationId,
    name: row.name,
    settings: row.settings,
    secretNames,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
