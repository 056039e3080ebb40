import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { ApiKeyEntity } from './entities/api-key.entity';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key-secret';
import type { Principal } from './principal';
import type { RoleName } from './roles';
import { AuthException } from './auth.exception';

@Injectable()
export class ApiKeysService {
  constructor(private readonly db: TenantDb) {}

  /** Resolves a presented key to its principal; any failure looks the same to the caller. */
  async authenticate(secret: string): Promise<Principal> {
    const keyHash = hashApiKey(secret);
    // One round trip: every request with a key pays for this before its own work.
    const [key] = await this.db.systemStatement<PresentedKey>(
      `SELECT id, tenant_id AS "tenantId", name, role, provider_admin AS "providerAdmin",
              expires_at AS "expiresAt", revoked_at AS "revokedAt"
         FROM api_keys WHERE key_hash = $1`,
      [keyHash],
    );
    const now = new Date();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) {
      throw AuthException.unauthenticated('the API key is unknown, revoked or expired');
    }
    return toPrincipal(key);
  }

  /** Creates a key and returns its secret, the only time the secret exists outside the caller. */
  async create(
    em: EntityManager,
    args: {
      tenantId: string;
      name: string;
      role: RoleName;
      providerAdmin?: boolean;
      expiresAt?: Date | null;
      secret?: string;
    },
  ): Promise<{ key: ApiKeyEntity; secret: string }> {
    const secret = args.secret ?? generateApiKey();
    const key = em.create(ApiKeyEntity, {
      tenantId: args.tenantId,
      name: args.name,
      role: args.role,
      providerAdmin: args.providerAdmin ?? false,
      prefix: apiKeyPrefix(secret),
      keyHash: hashApiKey(secret),
      expiresAt: args.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
    });
    return { key: await em.save(key), secret };
  }

  async existsWithSecret(em: EntityManager, secret: string): Promise<boolean> {
    return (await em.count(ApiKeyEntity, { where: { keyHash: hashApiKey(secret) } })) > 0;
  }
}

/** What authenticating needs of a key. */
type PresentedKey = Pick<
  ApiKeyEntity,
  'id' | 'tenantId' | 'name' | 'role' | 'providerAdmin' | 'expiresAt' | 'revokedAt'
>;

export function toPrincipal(
  key: Pick<ApiKeyEntity, 'id' | 'tenantId' | 'name' | 'role' | 'providerAdmin'>,
): Principal {
  return {
    kind: 'apiKey',
    actorId: `apikey:${key.id}`,
    name: key.name,
    tenantId: key.tenantId,
    role: key.role,
    providerAdmin: key.providerAdmin,
  };
}
