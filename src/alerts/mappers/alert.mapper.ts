import type { AlertEntity } from '../entities/alert.entity';
import type { AlertModel, ObservableModel } from '../models/alert.model';
import type { ObservableType } from '../observable-type';
import type { NewAlert } from '../ingest/ingest-plan';
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
    observables: toObservableModels(row.observables ?? []),
    caseId: row.caseId,
    fingerprint: row.fingerprint,
    duplicateCount: row.duplicateCount,
    detectedAt: row.detectedAt,
    lastSeenAt: row.lastSeenAt,
    createdAt: row.createdAt,
    raw: row.raw ?? null,
  };
}

/**
 * A just-stored alert as its row reads, from what the ingest wrote: the database added only
 * its status and creation time (returned by the insert). Saves reading a batch back to announce it.
 */
export function toNewAlertModel(
  alert: NewAlert,
  caseId: string | null,
  stored: { status: AlertModel['status']; createdAt: Date },
): AlertModel {
  const { input } = alert;
  return {
    id: alert.id,
    source: input.source,
    sourceRef: input.sourceRef ?? null,
    title: input.title,
    description: input.description ?? null,
    severity: input.severity,
    status: stored.status,
    rule: input.rule ?? null,
    techniques: storedTechniques(input.techniques),
    observables: toObservableModels(alert.observables),
    caseId,
    fingerprint: alert.fingerprint,
    duplicateCount: alert.duplicates,
    detectedAt: alert.detectedAt,
    lastSeenAt: alert.lastSeenAt,
    createdAt: stored.createdAt,
    raw: input.raw ?? null,
  };
}

/** Techniques as stored: each once, in the order first given. */
export function storedTechniques(techniques: string[] | undefined): string[] {
  return [...new Set(techniques ?? [])];
}

function toObservableModels(list: { type: ObservableType; value: string }[]): ObservableModel[] {
  return list
    .map((o) => ({
      type: o.type,
      value: o.value,
      hashAlgorithm: o.type === 'FILE_HASH' ? hashAlgorithm(o.value) : null,
    }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.value.localeCompare(b.value));
}
