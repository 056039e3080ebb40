import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import { AppError } from '../common/errors/app-error';
import type { Principal } from '../auth/principal';
import type { AlertEntity } from '../alerts/entities/alert.entity';
import type { CaseEntity } from '../cases/entities/case.entity';
import { PlaybooksService } from '../playbooks/playbooks.service';
import { PlaybookRunEntity } from './entities/playbook-run.entity';
import { StepRunEntity } from './entities/step-run.entity';
import type { RunStatus } from './run-status';
import { toRunModel } from './mappers/run.mapper';
import type { PlaybookRunModel } from './models/playbook-run.model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event a run sees as `alert` and `case`, frozen when it is queued. */
export function alertEvent(
  alert: AlertEntity,
  kase: CaseEntity,
): { alert: Record<string, unknown>; case: Record<string, unknown> } {
  return {
    alert: {
      id: alert.id,
      source: alert.source,
      sourceRef: alert.sourceRef,
      title: alert.title,
      severity: alert.severity,
      techniques: alert.techniques,
      observables: (alert.observables ?? []).map((o) => ({ type: o.type, value: o.value })),
      detectedAt: alert.detectedAt.toISOString(),
      caseId: kase.id,
    },
    case: {
      id: kase.id,
      number: kase.number,
      title: kase.title,
      severity: kase.severity,
      status: kase.status,
    },
  };
}

@Injectable()
export class RunsService {
  constructor(
    private readonly db: TenantDb,
    private readonly playbooks: PlaybooksService,
  ) {}

  /**
   * Queues the runs a new alert triggers, inside the ingest transaction (an outbox): if the
   * alert is stored, its runs are too, and the dispatcher will get them to Temporal.
   */
  async queueForNewAlert(
    em: EntityManager,
    principal: Principal,
    alert: AlertEntity,
    kase: CaseEntity,
  ): Promise<string[]> {
    const event = alertEvent(alert, kase);
    const versions = await this.playbooks.triggeredByAlert(event.alert);
    const ids: string[] = [];
    for (const version of versions) {
      const workflowId = `${principal.tenantId}/${version.playbookId}/${alert.id}`;
      const rows = await em.query<{ id: string }[]>(
        `INSERT INTO playbook_runs (tenant_id, playbook_id, playbook_version_id, workflow_id, case_id, alert_id, trigger, requested_by, status, input)
         VALUES ($1, $2, $3, $4, $5, $6, 'alert.created', $7, 'QUEUED', $8)
         ON CONFLICT (workflow_id) DO NOTHING RETURNING id`,
        [
          principal.tenantId,
          version.playbookId,
          version.id,
          workflowId,
          kase.id,
          alert.id,
          principal.actorId,
          JSON.stringify({ event }),
        ],
      );
      if (rows[0]) ids.push(rows[0].id);
    }
    return ids;
  }

  async get(tenantId: string, id: string): Promise<PlaybookRunModel> {
    const found = UUID.test(id)
      ? await this.db.run(tenantId, async (em) => {
          const run = await em.findOne(PlaybookRunEntity, { where: { tenantId, id } });
          if (!run) return null;
          const steps = await em.find(StepRunEntity, { where: { tenantId, runId: id } });
          return { run, steps };
        })
      : null;
    if (!found) throw new AppError('NOT_FOUND', `playbook run ${id} not found`);
    return toRunModel(found.run, found.steps);
  }

  async list(
    tenantId: string,
    args: { first: number; after?: string; caseId?: string; status?: RunStatus },
  ): Promise<Connection<PlaybookRunModel>> {
    const cursor = decodeCursor(args.after);
    return this.db.run(tenantId, async (em) => {
      const qb = em.createQueryBuilder(PlaybookRunEntity, 'r').where('r.tenant_id = :tenantId', { tenantId });
      if (args.caseId) qb.andWhere('r.case_id = :caseId', { caseId: args.caseId });
      if (args.status) qb.andWhere('r.status = :status', { status: args.status });
      const total = await qb.clone().getCount();
      if (cursor) qb.andWhere('(r.created_at, r.id) < (:ca, :cid)', { ca: cursor.createdAt, cid: cursor.id });
      const rows = await qb
        .orderBy('r.created_at', 'DESC')
        .addOrderBy('r.id', 'DESC')
        .take(args.first + 1)
        .getMany();
      const steps = rows.length
        ? await em
            .createQueryBuilder(StepRunEntity, 's')
            .where('s.run_id IN (:...ids)', { ids: rows.map((r) => r.id) })
            .getMany()
        : [];
      return toConnection(rows, args.first, total, (r) =>
        toRunModel(
          r,
          steps.filter((s) => s.runId === r.id),
        ),
      );
    });
  }
}
