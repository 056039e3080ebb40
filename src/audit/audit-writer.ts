import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TenantDb } from '../database/tenant-db';
import { nextRow, type AuditEvent, type AuditRow } from './audit-chain';
import { AuditEntryEntity } from './entities/audit-entry.entity';

/**
 * Appends to the audit log's hash chains. `append` writes inside a transaction the caller
 * already holds (an approval decision, a secret's use), so the record lands with the change or
 * not at all; `record` opens one of its own.
 */
@Injectable()
export class AuditWriter {
  constructor(private readonly db: TenantDb) {}

  /** In its own transaction: the tenant's chain, or the provider chain when tenantId is null. */
  async record(tenantId: string | null, event: AuditEvent): Promise<AuditRow> {
    return tenantId === null
      ? this.db.system((em) => appendAudit(em, null, event))
      : this.db.run(tenantId, (em) => appendAudit(em, tenantId, event));
  }

  /** Inside the caller's transaction, which must act for `tenantId` (TenantDb.run). */
  async append(em: EntityManager, tenantId: string, event: AuditEvent): Promise<AuditRow> {
    return appendAudit(em, tenantId, event);
  }
}

/**
 * One row at the head of a chain. A transaction-scoped advisory lock per chain serialises
 * appenders (it needs no table privilege and works on PGlite), and the head is read only once
 * the lock is held: under READ COMMITTED that read sees every row committed before it.
 */
export async function appendAudit(
  em: EntityManager,
  tenantId: string | null,
  event: AuditEvent,
): Promise<AuditRow> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
    `cordon.audit:${tenantId ?? 'provider'}`,
  ]);
  const head = await em
    .createQueryBuilder(AuditEntryEntity, 'a')
    .select(['a.seq', 'a.hash'])
    .where(tenantId === null ? 'a.tenant_id IS NULL' : 'a.tenant_id = :tenantId', { tenantId })
    .orderBy('a.seq', 'DESC')
    .limit(1)
    .getOne();
  const row = nextRow(head, { id: randomUUID(), tenantId, createdAt: new Date() }, event);
  // TypeORM's insert type cannot take a Record for a jsonb column; the row is the entity's shape.
  await em.insert(AuditEntryEntity, row as QueryDeepPartialEntity<AuditEntryEntity>);
  return row;
}
