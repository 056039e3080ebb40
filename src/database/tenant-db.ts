import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isUuid } from '../common/ids';
import { APP_ROLE, SYSTEM_ROLE, TENANT_SETTING } from './rls';

/**
 * Every read and write goes through here, in a transaction that first switches to a role that
 * owns nothing and cannot bypass row-level security, for that transaction only
 * (set_config(…, true) is SET LOCAL): a pooled connection never carries a role or a tenant into
 * the next transaction.
 */
@Injectable()
export class TenantDb {
  constructor(readonly dataSource: DataSource) {}

  /** Tenant-scoped work: as cordon_app, with `cordon.tenant_id` set; policies show that tenant's rows only. */
  async run<T>(tenantId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    assertTenantId(tenantId);
    return this.dataSource.transaction(async (em) => {
      await enterTenant(em, tenantId);
      return work(em);
    });
  }

  /**
   * The few cross-tenant paths (authentication by key hash or webhook endpoint, the queued-run
   * sweep, shipped playbooks, tenant creation, pruning), as cordon_system: it may do exactly
   * what migration 1763900009000 grants it, table by table, and nothing else.
   */
  async system<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT set_config('role', $1, true)`, [SYSTEM_ROLE]);
      return work(em);
    });
  }
}

/**
 * Makes the rest of a transaction act for one tenant, e.g. a system transaction that has just
 * created the tenant and now writes its first rows.
 */
export async function enterTenant(em: EntityManager, tenantId: string): Promise<void> {
  assertTenantId(tenantId);
  await em.query(`SELECT set_config('role', $1, true), set_config('${TENANT_SETTING}', $2, true)`, [
    APP_ROLE,
    tenantId,
  ]);
}

function assertTenantId(tenantId: string): void {
  // The policies cast the setting to uuid: anything else would fail every statement, obscurely.
  if (!isUuid(tenantId)) throw new Error(`TenantDb: "${tenantId}" is not a tenant id`);
}
