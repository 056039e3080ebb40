import type { AlertEntity } from '../entities/alert.entity';
import type { AlertModel } from '../models/alert.model';
import { hashAlgorithm } from '../observables';

export function toAlertModel(row: AlertEntity): AlertModel {
  return {
    id: row.id,
    source: row.source,
    sourceRef: row.sourceRef,
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    rule: row.rule,
    techniques: row.techniques,
    observables: (row.observables ?? [])
      .map((o) => ({
        type: o.type,
        value: o.value,
        hashAlgorithm: o.type === 'FILE_HASH' ? hashAlgorithm(o.value) : null,
      }))
      .sort((a, b) => a.type.localeCompare(b.type) || a.value.localeCompare(b.value)),
    caseId: row.caseId,
    fingerprint: row.fingerprint,
    duplicateCount: row.duplicateCount,
    detectedAt: row.detectedAt,
    lastSeenAt: row.lastSeenAt,
    createdAt: row.createdAt,
    raw: row.raw ?? null,
  };
}
