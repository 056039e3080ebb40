import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { AppError } from '../common/errors/app-error';
import { CAPABILITIES, capabilityFamily } from './kit/capabilities';
import type { IntegrationAction, IntegrationDefinition } from './kit/integration.types';
import { ConnectionEntity } from './entities/connection.entity';
import { CapabilityBindingEntity } from './entities/capability-binding.entity';
import { IntegrationsService } from './integrations.service';
import { IntegrationsException } from './integrations.exception';
import type { SecretBox } from './secret-box';
import { SECRET_BOX } from './master-key';
import { checkConnectionInput } from './connection-input';
import { isUuid } from '../common/ids';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { destinationsOf, type OutboundPolicy, refusedDestination } from './outbound-policy';
import type { AuditActor } from '../audit/audit-chain';
import { AuditWriter } from '../audit/audit-writer';

/** Who opens a connection's secrets, and why: each opening is a `secret.use` audit row. */
export interface SecretUse {
  actor?: AuditActor;
  purpose: string;
}

const CORDON: AuditActor = { id: 'system:cordon', kind: 'system', name: 'Cordon' };

export interface ResolvedAction {
  definition: IntegrationDefinition;
  action: IntegrationAction;
  connection: {
    id: string;
    baseUrl: string;
    settings: Record<string, unknown>;
    secrets: Record<string, string>;
    version: string;
  };
}

@Injectable()
export class ConnectionsService {
  constructor(
    private readonly db: TenantDb,
    private readonly integrations: IntegrationsService,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly audit: AuditWriter,
  ) {
    this.outbound = config.security.outbound;
  }

  private readonly outbound: OutboundPolicy;

  async upsert(
    tenantId: string,
    input: {
      integrationId: string;
      name: string;
      settings?: Record<string, unknown>;
      secrets?: Record<string, unknown>;
    },
  ): Promise<ConnectionEntity> {
    const definition = this.integrations.get(input.integrationId);
    return this.db.run(tenantId, async (em) => {
      const existing = await em.findOne(ConnectionEntity, { where: { tenantId, name: input.name } });
      if (existing && existing.integrationId !== input.integrationId) {
        throw new AppError(
          'CONFLICT',
          `a connection named "${input.name}" already exists for ${existing.integrationId}`,
        );
      }
      const previousSecrets = existing ? this.secretsOf(existing) : {};
      const { settings, secrets } = checkConnectionInput(definition.manifest, {
        settings: input.settings ?? existing?.settings ?? {},
        // Secrets merge, so one credential can be rotated without re-sending the others.
        secrets: { ...previousSecrets, ...(input.secrets ?? {}) },
      });
      await this.assertReachable({ settings, secrets });
      const row =
        existing ??
        em.create(ConnectionEntity, { tenantId, integrationId: input.integrationId, name: input.name });
      row.settings = settings;
      if (!row.id) {
        row.secretsCiphertext = null;
        row.wrappedDataKey = null;
        await em.save(row);
      }
      const sealed = this.box.encrypt(secrets, row.id);
      row.secretsCiphertext = sealed.ciphertext;
      row.wrappedDataKey = sealed.wrappedKey;
      return em.save(row);
    });
  }

  async list(tenantId: string): Promise<ConnectionEntity[]> {
    return this.db.run(tenantId, (em) =>
      em.find(ConnectionEntity, { where: { tenantId }, order: { name: 'ASC' } }),
    );
  }

  async get(tenantId: string, id: string): Promise<ConnectionEntity> {
    const row = await this.db.run(tenantId, (em) => findConnection(em, tenantId, id));
    if (!row) throw IntegrationsException.connectionNotFound(id);
    return row;
  }

  /** Binds "edr.isolate_host" (one capability) or "edr" (the whole family) to a connection. */
  async bind(tenantId: string, capability: string, connectionId: string): Promise<CapabilityBindingEntity> {
    const family = capabilityFamily(capability);
    const known = capability.includes('.')
      ? capability in CAPABILITIES
      : Object.keys(CAPABILITIES).some((c) => capabilityFamily(c) === family);
    if (!known) {
      throw new AppError(
        'BAD_USER_INPUT',
        `capability: "${capability}" is not a known capability or family`,
        { field: 'capability' },
      );
    }
    return this.db.run(tenantId, async (em) => {
      const connection = await findConnection(em, tenantId, connectionId);
      if (!connection) throw IntegrationsException.connectionNotFound(connectionId);
      const claims = Object.keys(this.integrations.get(connection.integrationId).manifest.capabilities);
      if (!claims.some((c) => c === capability || capabilityFamily(c) === capability)) {
        throw new AppError(
          'BAD_USER_INPUT',
          `capability: ${connection.integrationId} does not implement "${capability}" (it implements ${claims.join(', ')})`,
          { field: 'capability' },
        );
      }
      await em.upsert(CapabilityBindingEntity, { tenantId, capability, connectionId }, [
        'tenantId',
        'capability',
      ]);
      return em.findOneOrFail(CapabilityBindingEntity, { where: { tenantId, capability } });
    });
  }

  /**
   * Finds what serves an action name for a tenant: a capability ("edr.isolate_host") through the
   * tenant's binding, or a vendor action ("crowdstrike-falcon.contain_host") through its connection.
   */
  async resolve(
    tenantId: string,
    actionName: string,
    use: SecretUse = { purpose: `action ${actionName}` },
  ): Promise<ResolvedAction> {
    const resolved = await this.db.run(tenantId, (em) => this.resolveIn(em, tenantId, actionName, use));
    // Checked again before every use: the policy or the name's addresses may have changed.
    await this.assertReachable(resolved.connection);
    return resolved;
  }

  /**
   * `resolve` inside the caller's tenant transaction (the secret's use is audited in it). The
   * caller must still `assertReachable` the connection before calling out.
   */
  async resolveIn(
    em: EntityManager,
    tenantId: string,
    actionName: string,
    use: SecretUse = { purpose: `action ${actionName}` },
  ): Promise<ResolvedAction> {
    const dot = actionName.indexOf('.');
    const head = actionName.slice(0, dot);
    const tail = actionName.slice(dot + 1);
    if (actionName in CAPABILITIES) {
      // One read for both bindings and their connections (every action step pays for it): a
      // binding of the capability itself wins over one of its category.
      const bindings = await em
        .createQueryBuilder(CapabilityBindingEntity, 'b')
        .leftJoinAndMapOne(
          'b.connection',
          ConnectionEntity,
          'c',
          'c.tenant_id = b.tenant_id AND c.id = b.connection_id',
        )
        .where('b.tenant_id = :tenantId AND b.capability IN (:...capabilities)', {
          tenantId,
          capabilities: [actionName, head],
        })
        .getMany();
      const binding =
        bindings.find((b) => b.capability === actionName) ?? bindings.find((b) => b.capability === head);
      if (!binding) throw IntegrationsException.unbound(actionName);
      const connection = binding.connection;
      if (!connection) throw IntegrationsException.connectionNotFound(binding.connectionId);
      const definition = this.integrations.get(connection.integrationId);
      const name = definition.manifest.capabilities[actionName];
      const action = name ? definition.actions[name] : undefined;
      if (!action) throw IntegrationsException.unbound(actionName);
      return { definition, action, connection: await this.openedIn(em, connection, use) };
    }
    if (!this.integrations.has(head)) {
      throw new AppError(
        'BAD_USER_INPUT',
        `unknown action "${actionName}": neither a capability nor an installed integration's action`,
      );
    }
    const definition = this.integrations.get(head);
    const action = definition.actions[tail];
    if (!action) throw new AppError('BAD_USER_INPUT', `${head} has no action "${tail}"`);
    const connection = await em.findOne(ConnectionEntity, {
      where: { tenantId, integrationId: head },
      order: { createdAt: 'ASC' },
    });
    if (!connection)
      throw new AppError('BAD_USER_INPUT', `this tenant has no ${head} connection (upsertConnection)`);
    return { definition, action, connection: await this.openedIn(em, connection, use) };
  }

  /**
   * Refuses a connection whose URLs or host lead where connections may not go (metadata,
   * loopback, link-local, private addresses; outside CORDON_CONNECTION_ALLOWLIST): no SSRF
   * through a connection.
   */
  async assertReachable(connection: {
    settings: Record<string, unknown>;
    secrets: Record<string, unknown>;
  }): Promise<void> {
    const problems: string[] = [];
    for (const { field, target } of [
      ...destinationsOf(connection.settings, 'settings'),
      ...destinationsOf(connection.secrets, 'secrets'),
    ]) {
      const why = await refusedDestination(target, this.outbound);
      // A secret's value (a webhook URL carries its token) is never echoed.
      if (why) problems.push(`${field}: ${field.startsWith('secrets.') ? 'its host is refused' : why}`);
    }
    if (problems.length) {
      throw new AppError(
        'BAD_USER_INPUT',
        `connection may not reach its destination: ${problems.join('; ')}`,
        {
          fields: problems.map((p) => p.split(':')[0]),
        },
      );
    }
  }

  secretNames(row: ConnectionEntity): string[] {
    return Object.keys(this.secretsOf(row)).sort();
  }

  private secretsOf(row: ConnectionEntity): Record<string, string> {
    if (!row.secretsCiphertext || !row.wrappedDataKey) return {};
    return this.box.decrypt(row.secretsCiphertext, row.wrappedDataKey, row.id);
  }

  /** Decrypts a connection for use by an action or health check (never for a client). */
  async open(tenantId: string, row: ConnectionEntity, use: SecretUse): Promise<ResolvedAction['connection']> {
    if (row.tenantId !== tenantId) throw IntegrationsException.connectionNotFound(row.id);
    return this.db.run(tenantId, (em) => this.openedIn(em, row, use));
  }

  /** Decrypts for use, recording the use in the caller's tenant transaction. */
  private async openedIn(
    em: EntityManager,
    row: ConnectionEntity,
    use: SecretUse,
  ): Promise<ResolvedAction['connection']> {
    const connection = this.opened(row);
    if (row.secretsCiphertext) {
      this.audit.append(em, row.tenantId, {
        actor: use.actor ?? CORDON,
        action: 'secret.use',
        target: { type: 'Connection', id: row.id },
        outcome: 'SUCCESS',
        detail: { integrationId: row.integrationId, purpose: use.purpose },
      });
    }
    return connection;
  }

  private opened(row: ConnectionEntity): ResolvedAction['connection'] {
    return {
      id: row.id,
      baseUrl: typeof row.settings.baseUrl === 'string' ? row.settings.baseUrl : '',
      settings: row.settings,
      secrets: this.secretsOf(row),
      version: row.updatedAt.toISOString(),
    };
  }
}

async function findConnection(
  em: EntityManager,
  tenantId: string,
  id: string,
): Promise<ConnectionEntity | null> {
  if (!isUuid(id)) return null;
  return em.findOne(ConnectionEntity, { where: { tenantId, id } });
}
