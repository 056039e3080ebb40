import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db';
import { CaseEventsPublisher } from './case-events.publisher';
import type { Principal } from '../auth/principal';
import { CasesException } from './cases.exception';
import { applyStatus, lockCase } from './cases.service';
import { recordCaseEvent } from './case-timeline';
import type { CaseEntity } from './entities/case.entity';
import type { AddCaseCommentInput, UpdateCaseInput } from './dto/case.inputs';

/** Analyst edits to a case. Each change is checked, applied and written to the timeline together. */
@Injectable()
export class CaseUpdatesService {
  constructor(
    private readonly db: TenantDb,
    private readonly publisher: CaseEventsPublisher,
  ) {}

  async update(principal: Principal, input: UpdateCaseInput): Promise<CaseEntity> {
    const { tenantId, actorId: actor } = principal;
    const updated = await this.db.run(tenantId, async (em) => {
      const row = await lockCase(em, tenantId, input.caseId);
      const event = (kind: Parameters<typeof recordCaseEvent>[1]['kind'], data: Record<string, unknown>) =>
        recordCaseEvent(em, { tenantId, caseId: row.id, kind, actor, data });

      if (input.resolution !== undefined) row.resolution = input.resolution;
      if (input.status !== undefined && input.status !== row.status) {
        if (input.status === 'CLOSED' && !row.resolution) throw CasesException.resolutionRequired();
        await applyStatus(em, row, input.status, actor);
        // Re-opening clears the outcome: the case is not decided any more.
        if (input.status === 'INVESTIGATING') row.resolution = null;
      }
      if (input.assignee !== undefined) {
        const next = input.assignee === '' ? null : input.assignee;
        if (next !== row.assignee) {
          await event('ASSIGNED', { from: row.assignee, to: next });
          row.assignee = next;
          // Someone taking the case is the acknowledgement MTTA measures.
          if (next && !row.acknowledgedAt) row.acknowledgedAt = new Date();
        }
      }
      if (input.severity !== undefined && input.severity !== row.severity) {
        await event('SEVERITY_CHANGED', { from: row.severity, to: input.severity });
        row.severity = input.severity;
      }
      if (input.recommendations !== undefined && input.recommendations !== row.recommendations) {
        await event('RECOMMENDATIONS_CHANGED', { length: input.recommendations.length });
        row.recommendations = input.recommendations || null;
      }
      if (input.tags !== undefined) {
        const next = [...new Set(input.tags)].sort();
        if (next.join('\u0000') !== [...row.tags].sort().join('\u0000')) {
          await event('TAGS_CHANGED', { from: row.tags, to: next });
          row.tags = next;
        }
      }
      return em.save(row);
    });
    return this.publisher.changed(updated);
  }

  /** `eventKey`: set by callers that may repeat (a playbook step), so a repeat posts nothing. */
  async addComment(principal: Principal, input: AddCaseCommentInput, eventKey?: string): Promise<CaseEntity> {
    const { tenantId, actorId } = principal;
    return this.db.run(tenantId, async (em) => {
      const row = await lockCase(em, tenantId, input.caseId);
      await recordCaseEvent(em, {
        tenantId,
        caseId: row.id,
        kind: 'COMMENT',
        actor: actorId,
        data: { body: input.body },
        eventKey,
      });
      return row;
    });
  }
}
