import type { CaseEntity } from '../entities/case.entity';
import type { CaseModel } from '../models/case.model';

export function toCaseModel(row: CaseEntity): CaseModel {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    severity: row.severity,
    status: row.status,
    assignee: row.assignee,
    detectedAt: row.detectedAt,
    acknowledgedAt: row.acknowledgedAt,
    containedAt: row.containedAt,
    resolvedAt: row.resolvedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
