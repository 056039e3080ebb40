import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import type { SqlValue } from '../database/sql';
import { contentAroundSeq, rowContent, sha256Hex, type AuditEvent, type AuditRow } from './audit-chain';

/**
 * Appends to the audit log's hash chains. `append` writes inside a transaction the caller
 * already holds (an approval decision, a secret's use), so the record lands with the change or
 * not at all; `record` is a transaction of its own.
 */
@Injectable()
export class AuditWriter {
  constructor(private readonly db: TenantDb) {}

  /** In one round trip: the tenant's chain, or the provider chain when tenantId is null. */
  async record(tenantId: string | null, event: AuditEvent): Promise<AuditRow> {
    const { fields, params } = appendParams(tenantId, event);
    const [stored] =
      tenantId === null
        ? await this.db.systemStatement<StoredHead>(APPEND_SQL, params)
        : await this.db.statement<StoredHead>(tenantId, APPEND_SQL, params);
    return { ...fields, seq: Number(stored.row_seq), prevHash: stored.row_prev_hash, hash: stored.row_hash };
  }

  /**
   * Inside the caller's transaction, which must act for `tenantId` (TenantDb.run): sent with its
   * COMMIT (TenantDb.atCommit), so the chain's lock, which every append of the tenant waits for,
   * is held for the database's own work only.
   */
  append(em: EntityManager, tenantId: string, event: AuditEvent): void {
    this.db.atCommit(em, APPEND_SQL, appendParams(tenantId, event).params);
  }
}

/**
 * One row at the head of a chain, in one statement (see the cordon_audit_append migrations): a
 * transaction-scoped advisory lock per chain serialises appenders (it needs no table privilege
 * and works on PGlite); the head is read once the lock is held, and the row is numbered and
 * hashed there. The function first checks that it received the content hashed here
 * (p_content_sha256), so it never commits a row the verifier would call broken.
 */
const APPEND_SQL = `SELECT row_seq, row_prev_hash, row_hash
  FROM cordon_audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;

type StoredHead = { row_seq: string; row_prev_hash: string; row_hash: string };

function appendParams(
  tenantId: string | null,
  event: AuditEvent,
): { fields: Omit<AuditRow, 'seq' | 'prevHash' | 'hash'>; params: SqlValue[] } {
  const fields = rowContent({ id: randomUUID(), tenantId, createdAt: new Date() }, event);
  const content = contentAroundSeq(fields);
  return {
    fields,
    params: [
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
      sha256Hex(`${content.before}\n${content.after}`),
    ],
  };
}
