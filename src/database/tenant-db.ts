import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Every tenant-scoped read and write goes through here: one transaction that first sets
 * `cordon.tenant_id` for its own duration (set_config(..., true)), so row-level security
 * policies see the tenant and a pooled connection never carries it into the next request.
 */
@Injectable()
export class TenantDb {
  constructor(readonly dataSource: DataSource) {}

  async run<T>(tenantId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT set_config('cordon.tenant_id', $1, true)`, [tenantId]);
      return work(em);
    });
  }

  /** For the few lookups that happen before a tenant is known (API key authentication, bootstrap). */
  async system<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
