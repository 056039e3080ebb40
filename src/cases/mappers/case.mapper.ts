import type { CaseEntity } from '../entities/case.entity';
import type { CaseEventEntity } from '../entities/case-event.entity';
import type { CaseEventModel, CaseModel } from '../models/case.model';

export function toCaseModel(row: CaseEntity): CaseModel {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    severity: row.severity,
    status: row.status,
    assignee: row.assignee,
    resolution: row.resolution,
    tags: row.tags,
    recommendations: row.recommendations,
    mergedInto: row.mergedInto,
    detectedAt: row.detectedAt,
    acknowledgedAt: row.acknowledgedAt,
    containedAt: row.containedAt,
    resolvedAt: row.resolvedAt,
    closedAt: row.closedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toCaseEventModel(row: CaseEventEntity): CaseEventModel {
  return { id: row.id, kind: row.kind, actor: row.actor, data: row.data, at: row.createdAt };
}
