import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { nextRow, type AuditEvent, type AuditRow } from './audit-chain';

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
  // Plain SQL: appended on every vendor call and decision, where the query builder's CPU showed.
  const [head] = await em.query<{ seq: string; hash: string }[]>(
    tenantId === null
      ? `SELECT seq, hash FROM audit_log WHERE tenant_id IS NULL ORDER BY seq DESC LIMIT 1`
      : `SELECT seq, hash FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`,
    tenantId === null ? [] : [tenantId],
  );
  const row = nextRow(
    head ? { seq: Number(head.seq), hash: head.hash } : null,
    { id: randomUUID(), tenantId, createdAt: new Date() },
    event,
  );
  await em.query(
    `INSERT INTO audit_log (id, tenant_id, seq, actor_id, actor_kind, actor_name, action, target_type, target_id,
                            request_id, created_at, outcome, change_digest, detail, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      row.id,
      row.tenantId,
      row.seq,
      row.actorId,
      row.actorKind,
      row.actorName,
      row.action,
      row.targetType,
      row.targetId,
      row.requestId,
      row.createdAt,
      row.outcome,
      row.changeDigest,
      JSON.stringify(row.detail),
      row.prevHash,
      row.hash,
    ],
  );
  return row;
}
