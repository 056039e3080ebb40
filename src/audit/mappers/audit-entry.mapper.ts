import type { AuditOutcome } from '../audit-chain';
import type { AuditEntryEntity } from '../entities/audit-entry.entity';
import type { AuditEntryModel } from '../models/audit-entry.model';

export function toAuditEntryModel(row: AuditEntryEntity): AuditEntryModel {
  return {
    id: row.id,
    sequence: row.seq,
    actor: { id: row.actorId, kind: row.actorKind, name: row.actorName },
    action: row.action,
    target: row.targetType === null ? null : { type: row.targetType, id: row.targetId ?? '' },
    requestId: row.requestId,
    at: row.createdAt,
    outcome: row.outcome as AuditOutcome,
    changeDigest: row.changeDigest,
    detail: row.detail,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
