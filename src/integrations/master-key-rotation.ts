import type { EntityManager } from 'typeorm';
import type { TenantDb } from '../database/tenant-db';
import { MasterKeyError, type SecretBox } from './secret-box';

/**
 * Every column that holds a data key wrapped by the master key. The AAD of each is its row's id.
 * A new table that seals with SecretBox is listed here, or rotation leaves it behind.
 */
const WRAPPED_KEYS = [
  { table: 'connections', what: 'connection', columns: ['wrapped_data_key'] },
  { table: 'webhook_endpoints', what: 'webhook endpoint', columns: ['wrapped_key', 'previous_wrapped_key'] },
] as const;

export interface TenantRef {
  id: string;
  name: string;
}

/** A data key that no configured master key opens: what, where and why. */
export interface Unopenable {
  what: string;
  id: string;
  reason: string;
}

export interface TenantRotation {
  rewrapped: number;
  alreadyCurrent: number;
  unopenable: Unopenable[];
}

export interface TenantKeyStatus {
  /** Data keys per master key id (legacy-format keys counted under the key that opens them). */
  byKey: Map<string, number>;
  /** Stored before key ids were recorded: `keys rotate` rewrites them even under the current key. */
  legacy: number;
  unopenable: Unopenable[];
}

type Row = Record<string, string | Buffer | null> & { id: string };

interface WrappedKeyRef {
  table: string;
  what: string;
  column: string;
  /** The row's id: the AAD its data key is wrapped with. */
  id: string;
  wrapped: Buffer;
}

/**
 * Master-key rotation over every tenant's wrapped data keys. cordon_system may list tenants but
 * not read their secrets, so each tenant's rows are read and re-wrapped as that tenant, in one
 * transaction per tenant: a crash leaves every row wrapped by the old key or the new one, both
 * of which the server opens, and a second run finishes what is left.
 */
export class MasterKeyRotation {
  constructor(
    private readonly db: TenantDb,
    private readonly box: SecretBox,
  ) {}

  /** All tenants, oldest first; or exactly those asked for, refusing ids that name none. */
  async tenants(only: string[] = []): Promise<TenantRef[]> {
    const all = await this.db.system((em) =>
      em.query<TenantRef[]>(`SELECT id, name FROM tenants ORDER BY created_at, id`),
    );
    if (!only.length) return all;
    const missing = only.filter((id) => !all.some((t) => t.id === id));
    if (missing.length) throw new Error(`no tenant with id ${missing.join(', ')}`);
    return all.filter((t) => only.includes(t.id));
  }

  /** Re-wraps the tenant's data keys under the current master key; rows already there are left alone. */
  async rotateTenant(tenantId: string): Promise<TenantRotation> {
    const result: TenantRotation = { rewrapped: 0, alreadyCurrent: 0, unopenable: [] };
    // Locked (FOR UPDATE): a concurrent upsert replaces ciphertext and data key together; without
    // the lock this could write the old data key back over its new one.
    await this.eachWrappedKey(tenantId, true, async (em, key) => {
      const next = this.attempt(key, result.unopenable, () => this.box.rewrap(key.wrapped, key.id));
      if (next === null) result.alreadyCurrent++;
      if (!next) return;
      await em.query(`UPDATE ${key.table} SET ${key.column} = $1 WHERE id = $2`, [next, key.id]);
      result.rewrapped++;
    });
    return result;
  }

  /** Which master key wraps each of the tenant's data keys. Reads only. */
  async statusOfTenant(tenantId: string): Promise<TenantKeyStatus> {
    const status: TenantKeyStatus = { byKey: new Map(), legacy: 0, unopenable: [] };
    await this.eachWrappedKey(tenantId, false, (_em, key) => {
      const info = this.attempt(key, status.unopenable, () => this.box.inspect(key.wrapped, key.id));
      if (info) status.byKey.set(info.key.id, (status.byKey.get(info.key.id) ?? 0) + 1);
      if (info?.legacy) status.legacy++;
      return Promise.resolve();
    });
    return status;
  }

  /** Visits every wrapped data key of one tenant, in one transaction as that tenant. */
  private async eachWrappedKey(
    tenantId: string,
    lock: boolean,
    visit: (em: EntityManager, key: WrappedKeyRef) => Promise<void>,
  ): Promise<void> {
    await this.db.run(tenantId, async (em) => {
      for (const spec of WRAPPED_KEYS) {
        const rows = await em.query<Row[]>(
          `SELECT id, ${spec.columns.join(', ')} FROM ${spec.table}
            WHERE tenant_id = $1 ORDER BY id${lock ? ' FOR UPDATE' : ''}`,
          [tenantId],
        );
        for (const row of rows) {
          for (const column of spec.columns) {
            const wrapped = row[column];
            if (Buffer.isBuffer(wrapped)) {
              await visit(em, { table: spec.table, what: spec.what, column, id: row.id, wrapped });
            }
          }
        }
      }
    });
  }

  /** Runs one key's crypto; a key nothing opens is recorded (and the rest carry on), not thrown. */
  private attempt<T>(key: WrappedKeyRef, unopenable: Unopenable[], work: () => T): T | undefined {
    try {
      return work();
    } catch (err) {
      const reason =
        err instanceof MasterKeyError
          ? err.message
          : `it does not open (${err instanceof Error ? err.message : String(err)}): tampered or moved`;
      unopenable.push({ what: key.what, id: key.id, reason });
      return undefined;
    }
  }
}
