import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { CaseEventsPublisher } from './case-events.publisher';
import type { Principal } from '../auth/principal';
import { AlertEntity } from '../alerts/entities/alert.entity';
import { SEVERITIES, severityRank, type Severity } from '../alerts/severity';
import { AppError } from '../common/errors/app-error';
import { CasesService, lockCase } from './cases.service';
import { CasesException } from './cases.exception';
import { recordCaseEvent } from './case-timeline';
import { CaseEntity } from './entities/case.entity';
import type { CaseAlertsInput, CreateCaseInput, MergeCasesInput } from './dto/case.inputs';

/** Which alerts belong to which case: creating cases from alerts, moving alerts, merging cases. */
@Injectable()
export class CaseMembershipService {
  constructor(
    private readonly db: TenantDb,
    private readonly cases: CasesService,
    private readonly publisher: CaseEventsPublisher,
  ) {}

  async create(principal: Principal, input: CreateCaseInput): Promise<CaseEntity> {
    const { tenantId, actorId } = principal;
    const created = await this.db.run(tenantId, async (em) => {
      const alerts = await findAlerts(em, tenantId, input.alertIds ?? []);
      const severity = input.severity ?? highest(alerts.map((a) => a.severity)) ?? 'MEDIUM';
      const detectedAt = alerts.length
        ? new Date(Math.min(...alerts.map((a) => a.detectedAt.getTime())))
        : null;
      const row = await this.cases.open(em, tenantId, {
        title: input.title,
        severity,
        detectedAt,
        actor: actorId,
      });
      await moveAlerts(em, row, alerts, actorId);
      return em.save(row);
    });
    return this.publisher.changed(created, { created: true });
  }

  async addAlerts(principal: Principal, input: CaseAlertsInput): Promise<CaseEntity> {
    const { tenantId, actorId } = principal;
    return this.db.run(tenantId, async (em) => {
      const row = await lockCase(em, tenantId, input.caseId);
      const alerts = await findAlerts(em, tenantId, input.alertIds);
      await moveAlerts(
        em,
        row,
        alerts.filter((a) => a.caseId !== row.id),
        actorId,
      );
      return em.save(row);
    });
  }

  async removeAlerts(principal: Principal, input: CaseAlertsInput): Promise<CaseEntity> {
    const { tenantId, actorId } = principal;
    const row = await this.db.run(tenantId, async (em) => {
      const locked = await lockCase(em, tenantId, input.caseId);
      const alerts = await findAlerts(em, tenantId, input.alertIds);
      const outsiders = alerts.filter((a) => a.caseId !== locked.id).map((a) => a.id);
      if (outsiders.length)
        throw new AppError('BAD_USER_INPUT', `alertIds: not in case ${locked.id}: ${outsiders.join(', ')}`, {
          field: 'alertIds',
        });
      await em.update(AlertEntity, { tenantId, id: In(input.alertIds) }, { caseId: null });
      for (const a of alerts) {
        await recordCaseEvent(em, {
          tenantId,
          caseId: locked.id,
          kind: 'ALERT_REMOVED',
          actor: actorId,
          data: { alertId: a.id, title: a.title },
        });
      }
      return locked;
    });
    return this.publisher.changed(row);
  }

  /** Folds source cases into the target: their alerts move, and they close as DUPLICATE. */
  async merge(principal: Principal, input: MergeCasesInput): Promise<CaseEntity> {
    const { tenantId, actorId } = principal;
    if (input.sourceCaseIds.includes(input.targetCaseId)) {
      throw new AppError('BAD_USER_INPUT', 'sourceCaseIds: a case cannot be merged into itself', {
        field: 'sourceCaseIds',
      });
    }
    const changed = await this.db.run(tenantId, async (em) => {
      // Lock in id order so two opposite merges cannot deadlock.
      const ids = [input.targetCaseId, ...new Set(input.sourceCaseIds)].sort();
      const locked = new Map<string, CaseEntity>();
      for (const id of ids) locked.set(id, await lockCase(em, tenantId, id));
      const target = locked.get(input.targetCaseId)!;
      if (target.status === 'CLOSED')
        throw new AppError('CONFLICT', `case ${target.id} is closed; re-open it before merging into it`);
      for (const sourceId of new Set(input.sourceCaseIds)) {
        const source = locked.get(sourceId)!;
        const alerts = await em.find(AlertEntity, { where: { tenantId, caseId: source.id } });
        await moveAlerts(em, target, alerts, actorId);
        source.mergedInto = target.id;
        source.resolution = 'DUPLICATE';
        if (source.status !== 'CLOSED') {
          const from = source.status;
          source.status = 'CLOSED';
          source.closedAt = source.closedAt ?? new Date();
          await recordCaseEvent(em, {
            tenantId,
            caseId: source.id,
            kind: 'STATUS_CHANGED',
            actor: actorId,
            data: { from, to: 'CLOSED' },
          });
        }
        await recordCaseEvent(em, {
          tenantId,
          caseId: source.id,
          kind: 'MERGED',
          actor: actorId,
          data: { into: target.id },
        });
        await recordCaseEvent(em, {
          tenantId,
          caseId: target.id,
          kind: 'MERGED',
          actor: actorId,
          data: { from: source.id, number: source.number },
        });
        await em.save(source);
        if (severityRank(source.severity) > severityRank(target.severity)) target.severity = source.severity;
        if (source.detectedAt && (!target.detectedAt || source.detectedAt < target.detectedAt))
          target.detectedAt = source.detectedAt;
      }
      return [await em.save(target), ...[...locked.values()].filter((c) => c.id !== target.id)];
    });
    this.publisher.changed(changed);
    return changed[0];
  }
}

async function findAlerts(em: EntityManager, tenantId: string, ids: string[]): Promise<AlertEntity[]> {
  if (!ids.length) return [];
  const unique = [...new Set(ids)];
  const rows = await em.find(AlertEntity, { where: { tenantId, id: In(unique) } });
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw CasesException.alertsNotFound(missing);
  return rows;
}

/**
 * Moves alerts into a case, recording the move on both sides, and keeps the case's severity and
 * detection clock at least those of its alerts.
 */
export async function moveAlerts(
  em: EntityManager,
  target: CaseEntity,
  alerts: AlertEntity[],
  actor: string,
): Promise<void> {
  const { tenantId } = target;
  for (const a of alerts) {
    if (a.caseId && a.caseId !== target.id) {
      await recordCaseEvent(em, {
        tenantId,
        caseId: a.caseId,
        kind: 'ALERT_REMOVED',
        actor,
        data: { alertId: a.id, title: a.title, to: target.id },
      });
    }
    await recordCaseEvent(em, {
      tenantId,
      caseId: target.id,
      kind: 'ALERT_ADDED',
      actor,
      data: { alertId: a.id, title: a.title },
    });
  }
  if (alerts.length)
    await em.update(AlertEntity, { tenantId, id: In(alerts.map((a) => a.id)) }, { caseId: target.id });
  const top = highest([target.severity, ...alerts.map((a) => a.severity)]);
  if (top) target.severity = top;
  for (const a of alerts)
    if (!target.detectedAt || a.detectedAt < target.detectedAt) target.detectedAt = a.detectedAt;
}

function highest(severities: Severity[]): Severity | undefined {
  return severities.length ? SEVERITIES[Math.max(...severities.map(severityRank))] : undefined;
}
