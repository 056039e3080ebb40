import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { chainHash, contentAroundSeq, rowContent, type AuditEvent, type AuditRow } from './audit-chain';

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
 * One row at the head of a chain, in one statement (see the cordon_audit_append migration): a
 * transaction-scoped advisory lock per chain serialises appenders (it needs no table privilege
 * and works on PGlite); the head is read once the lock is held, and the row is numbered and
 * hashed there. Its hash is checked here against the same rules the verifier applies.
 */
export async function appendAudit(
  em: EntityManager,
  tenantId: string | null,
  event: AuditEvent,
): Promise<AuditRow> {
  const fields = rowContent({ id: randomUUID(), tenantId, createdAt: new Date() }, event);
  const content = contentAroundSeq(fields);
  const [stored] = await em.query<{ row_seq: string; row_prev_hash: string; row_hash: string }[]>(
    `SELECT row_seq, row_prev_hash, row_hash
       FROM cordon_audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      fields.id,
      fields.tenantId,
      fields.actorId,
      fields.actorKind,
      fields.actorName,
      fields.action,
      fields.targetType,
      fields.targetId,
      fields.requestId,
      fields.createdAt,
      fields.outcome,
      fields.changeDigest,
      JSON.stringify(fields.detail),
      content.before,
      content.after,
    ],
  );
  const row: AuditRow = {
    ...fields,
    seq: Number(stored.row_seq),
    prevHash: stored.row_prev_hash,
    hash: stored.row_hash,
  };
  // Never commit a row the verifier would call broken: the transaction fails instead.
  if (chainHash(row.prevHash, content, row.seq) !== row.hash)
    throw new Error(`audit row ${row.id}: the database hashed other content`);
  return row;
}
