import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import { AppError } from '../common/errors/app-error';
import type { Principal } from '../auth/principal';
import type { CaseSnapshot } from '../cases/case-batch';
import { PlaybooksService } from '../playbooks/playbooks.service';
import type { PlaybookVersionEntity } from '../playbooks/entities/playbook-version.entity';
import { PlaybookRunEntity } from './entities/playbook-run.entity';
import { StepRunEntity } from './entities/step-run.entity';
import type { RunStatus } from './run-status';
import { toRunModel } from './mappers/run.mapper';
import type { PlaybookRunModel } from './models/playbook-run.model';
import { isUuid } from '../common/ids';
import { runEvent } from './run-event';
import type { QueuedRun } from './run-dispatcher';

export interface AlertSnapshot {
  id: string;
  source: string;
  sourceRef: string | null;
  title: string;
  severity: string;
  techniques: string[];
  observables: { type: string; value: string }[];
  detectedAt: Date;
}

/** A new alert with its case and the playbook versions it triggers. */
export interface AlertRunMatch {
  alert: AlertSnapshot;
  /** Read again when the run is queued: an opened case has its number by then. */
  kase: CaseSnapshot;
  versions: PlaybookVersionEntity[];
}

/** The event a run sees as `alert` and `case`, frozen when it is queued. */
export function alertEvent(
  alert: AlertSnapshot,
  kase: CaseSnapshot,
): { alert: Record<string, unknown>; case: Record<string, unknown> } {
  return {
    alert: {
      id: alert.id,
      source: alert.source,
      sourceRef: alert.sourceRef,
      title: alert.title,
      severity: alert.severity,
      techniques: alert.techniques,
      observables: alert.observables.map((o) => ({ type: o.type, value: o.value })),
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
   * The playbooks each new alert triggers, decided before its case is numbered (a trigger reads
   * the alert, never the case's number), so the ingest can number its cases last.
   */
  async matchNewAlerts(
    em: EntityManager,
    tenantId: string,
    items: { alert: AlertSnapshot; kase: CaseSnapshot }[],
  ): Promise<AlertRunMatch[]> {
    const matches: AlertRunMatch[] = [];
    for (const item of items) {
      const { alert } = alertEvent(item.alert, item.kase);
      const versions = await this.playbooks.triggeredBy(tenantId, 'alert.created', alert, em);
      if (versions.length) matches.push({ ...item, versions });
    }
    return matches;
  }

  /**
   * Queues the runs new alerts trigger, inside the ingest transaction (an outbox): if the alerts
   * are stored, their runs are too, and the dispatcher will get them to Temporal. One INSERT for
   * the batch, sent with the COMMIT after the cases' (writeCases), whose numbers it reads: each
   * run's event holds its case as it is then. The deterministic workflow id makes a repeated
   * trigger a no-op. Returns, for after the commit (and after writeCases' own), the runs queued.
   */
  queueForNewAlerts(em: EntityManager, principal: Principal, matches: AlertRunMatch[]): () => QueuedRun[] {
    const rows: (Omit<QueuedRun, 'id' | 'tenantId' | 'requestedBy' | 'input'> & AlertRunMatch)[] = [];
    for (const match of matches) {
      for (const version of match.versions) {
        rows.push({
          ...match,
          playbookId: version.playbookId,
          playbookVersionId: version.id,
          workflowId: `${principal.tenantId}/${version.playbookId}/${match.alert.id}`,
          caseId: match.kase.id,
        });
      }
    }
    if (!rows.length) return () => [];
    const inserted = this.db.atCommit<{ id: string; workflow_id: string }>(
      em,
      `INSERT INTO playbook_runs (tenant_id, playbook_id, playbook_version_id, workflow_id, case_id, alert_id, trigger, requested_by, status, input)
       SELECT $1, v.playbook_id, v.version_id, v.workflow_id, v.case_id, v.alert_id, 'alert.created', $2, 'QUEUED',
              CASE WHEN c.id IS NULL THEN v.input ELSE jsonb_set(v.input, '{event,case,number}', to_jsonb(c.number)) END
         FROM unnest($3::text[], $4::uuid[], $5::text[], $6::uuid[], $7::uuid[], $8::jsonb[])
           AS v(playbook_id, version_id, workflow_id, case_id, alert_id, input)
         LEFT JOIN cases c ON c.tenant_id = $1 AND c.id = v.case_id
       ON CONFLICT (workflow_id) DO NOTHING RETURNING id, workflow_id`,
      [
        principal.tenantId,
        principal.actorId,
        rows.map((r) => r.playbookId),
        rows.map((r) => r.playbookVersionId),
        rows.map((r) => r.workflowId),
        rows.map((r) => r.caseId),
        rows.map((r) => r.alert.id),
        rows.map((r) => JSON.stringify({ event: alertEvent(r.alert, r.kase) })),
      ],
    );
    return () => {
      const byWorkflow = new Map(rows.map((r) => [r.workflowId, r]));
      return inserted.rows.map(({ id, workflow_id }) => {
        const r = byWorkflow.get(workflow_id)!;
        return {
          id,
          tenantId: principal.tenantId,
          playbookId: r.playbookId,
          playbookVersionId: r.playbookVersionId,
          workflowId: r.workflowId,
          caseId: r.caseId,
          requestedBy: principal.actorId,
          // Its case numbered by now, as the statement wrote it.
          input: { event: alertEvent(r.alert, r.kase) },
        };
      });
    };
  }

  /**
   * Queues the runs of `versions`, the playbooks a case event triggers (`case.created`,
   * `case.updated`; PlaybooksService.triggeredBy), in the caller's transaction. The workflow id
   * names the event (the case's update time for an update), so hearing of one change twice
   * starts nothing twice.
   */
  async queueForCase(
    em: EntityManager,
    tenantId: string,
    eventName: 'case.created' | 'case.updated',
    kase: Record<string, unknown> & { id: string; updatedAt?: unknown },
    versions: { id: string; playbookId: string }[],
  ): Promise<QueuedRun[]> {
    if (!versions.length) return [];
    const event = await runEvent(em, tenantId, { caseId: kase.id });
    const key =
      eventName === 'case.created' ? kase.id : `${kase.id}/${new Date(String(kase.updatedAt)).getTime()}`;
    const workflowIdOf = (v: { playbookId: string }) => `${tenantId}/${v.playbookId}/${eventName}/${key}`;
    const inserted = await em.query<{ id: string; workflow_id: string }[]>(
      `INSERT INTO playbook_runs (tenant_id, playbook_id, playbook_version_id, workflow_id, case_id, trigger, requested_by, status, input)
       SELECT $1, v.playbook_id, v.version_id, v.workflow_id, $4, $5, 'system:trigger', 'QUEUED', $6
         FROM unnest($2::text[], $3::uuid[], $7::text[]) AS v(playbook_id, version_id, workflow_id)
       ON CONFLICT (workflow_id) DO NOTHING RETURNING id, workflow_id`,
      [
        tenantId,
        versions.map((v) => v.playbookId),
        versions.map((v) => v.id),
        kase.id,
        eventName,
        JSON.stringify({ event }),
        versions.map(workflowIdOf),
      ],
    );
    const playbookOf = new Map(versions.map((v) => [workflowIdOf(v), v]));
    return inserted.map(({ id, workflow_id }) => {
      const v = playbookOf.get(workflow_id)!;
      return {
        id,
        tenantId,
        playbookId: v.playbookId,
        playbookVersionId: v.id,
        workflowId: workflow_id,
        caseId: kase.id,
        requestedBy: 'system:trigger',
        input: { event },
      };
    });
  }

  async get(tenantId: string, id: string): Promise<PlaybookRunModel> {
    const found = isUuid(id)
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
