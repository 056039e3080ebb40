import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { returning } from '../database/sql';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import type { Principal } from '../auth/principal';
import { CasesService } from '../cases/cases.service';
import { RunsService } from '../runs/runs.service';
import { RunDispatcher } from '../runs/run-dispatcher';
import { AppError } from '../common/errors/app-error';
import { AlertEntity } from './entities/alert.entity';
import type { CaseEntity } from '../cases/entities/case.entity';
import { correlatedCase, tenantSettings } from '../cases/correlation';
import { moveAlerts } from '../cases/case-membership.service';
import type { CorrelationSettings, DedupSettings } from '../tenancy/entities/tenant.entity';
import { ObservableEntity } from './entities/observable.entity';
import type { AlertInput } from './dto/alert.input';
import { applyAlertFilter, type AlertFilter } from './alert-filter';
import type { AlertStatus } from './alert-status';
import { dedupeObservables, normaliseObservable } from './observables';
import { alertFingerprint } from './fingerprint';
import { toAlertModel } from './mappers/alert.mapper';
import type { AlertModel, IngestAlertsPayload } from './models/alert.model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AlertsService {
  constructor(
    private readonly db: TenantDb,
    private readonly cases: CasesService,
    private readonly runs: RunsService,
    private readonly dispatcher: RunDispatcher,
  ) {}

  /**
   * Stores a validated batch in one transaction: alerts, observables, a case per new alert and
   * the playbook runs they trigger (queued). Either all of it is written or none. Workflows are
   * started after commit; a start that fails is retried by the dispatcher's sweep.
   */
  async ingest(principal: Principal, inputs: AlertInput[]): Promise<IngestAlertsPayload> {
    const tenantId = principal.tenantId;
    const { alerts, created, runIds } = await this.db.run(tenantId, async (em) => {
      const out: AlertEntity[] = [];
      const queued: string[] = [];
      let createdCount = 0;
      const { correlation, dedup } = await tenantSettings(em, tenantId);
      for (const input of inputs) {
        const { alert, isNew } = await this.upsertAlert(em, tenantId, input, dedup);
        if (isNew) {
          createdCount++;
          const kase = await this.caseFor(em, principal, alert, correlation);
          queued.push(...(await this.runs.queueForNewAlert(em, principal, alert, kase)));
        }
        out.push(alert);
      }
      return { alerts: out, created: createdCount, runIds: queued };
    });
    await this.dispatcher.dispatch(tenantId, runIds);
    return { alerts: alerts.map(toAlertModel), created, deduplicated: alerts.length - created };
  }

  /** A correlated open case when one shares an entity within the window, else a new case. */
  private async caseFor(
    em: EntityManager,
    principal: Principal,
    alert: AlertEntity,
    correlation: CorrelationSettings,
  ): Promise<CaseEntity> {
    const tenantId = principal.tenantId;
    const observables = alert.observables ?? [];
    let kase = await correlatedCase(em, tenantId, { id: alert.id, observables }, correlation);
    const actor = kase ? 'correlation' : principal.actorId;
    kase ??= await this.cases.open(em, tenantId, {
      title: alert.title,
      severity: alert.severity,
      detectedAt: alert.detectedAt,
      actor,
    });
    await moveAlerts(em, kase, [alert], actor);
    alert.caseId = kase.id;
    return em.save(kase);
  }

  /**
   * Inserts a new alert, or folds a repeat (same fingerprint, last seen within the source's
   * window before this one's detection time, so backfills fold too) into the existing one. A per-fingerprint advisory lock makes concurrent deliveries
   * of the same alert agree on one row.
   */
  private async upsertAlert(
    em: EntityManager,
    tenantId: string,
    input: AlertInput,
    dedup: DedupSettings,
  ): Promise<{ alert: AlertEntity; isNew: boolean }> {
    const observables = dedupeObservables(
      (input.observables ?? []).map((o) => ({ type: o.type, value: normaliseObservable(o.type, o.value) })),
    );
    const now = new Date();
    const detectedAt = input.detectedAt ?? now;
    const perSource = dedup.sources[input.source] ?? {};
    const fingerprint = alertFingerprint({ ...input, observables }, perSource.entityTypes);
    const windowMinutes = perSource.windowMinutes ?? dedup.windowMinutes;
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${tenantId}/${fingerprint}`]);
    const [repeat] = await returning<{ id: string }>(
      em,
      `UPDATE alerts SET duplicate_count = duplicate_count + 1, last_seen_at = GREATEST(last_seen_at, $3), updated_at = now()
        WHERE id = (SELECT id FROM alerts WHERE tenant_id = $1 AND fingerprint = $2
                      AND last_seen_at >= $3::timestamptz - make_interval(mins => $4)
                    ORDER BY last_seen_at DESC LIMIT 1)
        RETURNING id`,
      [tenantId, fingerprint, detectedAt, windowMinutes],
    );
    if (repeat) {
      const alert = await em.findOneOrFail(AlertEntity, {
        where: { id: repeat.id },
        relations: { observables: true },
      });
      return { alert, isNew: false };
    }
    const inserted = await em.save(
      em.create(AlertEntity, {
        tenantId,
        source: input.source,
        sourceRef: input.sourceRef ?? null,
        rule: input.rule ?? null,
        fingerprint,
        title: input.title,
        description: input.description ?? null,
        severity: input.severity,
        status: 'NEW',
        techniques: [...new Set(input.techniques ?? [])],
        raw: input.raw ?? null,
        detectedAt,
        lastSeenAt: detectedAt,
        duplicateCount: 0,
        caseId: null,
      }),
    );
    if (observables.length) {
      await em.insert(
        ObservableEntity,
        observables.map((o) => ({ tenantId, alertId: inserted.id, type: o.type, value: o.value })),
      );
    }
    const alert = await em.findOneOrFail(AlertEntity, {
      where: { id: inserted.id },
      relations: { observables: true },
    });
    return { alert, isNew: true };
  }

  async get(tenantId: string, id: string): Promise<AlertModel> {
    const row = UUID.test(id)
      ? await this.db.run(tenantId, (em) =>
          em.findOne(AlertEntity, { where: { tenantId, id }, relations: { observables: true } }),
        )
      : null;
    if (!row) throw new AppError('NOT_FOUND', `alert ${id} not found`);
    return toAlertModel(row);
  }

  async list(
    tenantId: string,
    args: { first: number; after?: string } & AlertFilter,
  ): Promise<Connection<AlertModel>> {
    const cursor = decodeCursor(args.after);
    return this.db.run(tenantId, async (em) => {
      const qb = em.createQueryBuilder(AlertEntity, 'a').where('a.tenant_id = :tenantId', { tenantId });
      applyAlertFilter(qb, args);
      const total = await qb.clone().getCount();
      if (cursor) qb.andWhere('(a.created_at, a.id) < (:ca, :cid)', { ca: cursor.createdAt, cid: cursor.id });
      const page = await qb
        .orderBy('a.created_at', 'DESC')
        .addOrderBy('a.id', 'DESC')
        .take(args.first + 1)
        .getMany();
      // Observables in one query for the whole page, not one per alert.
      const observables = page.length
        ? await em.find(ObservableEntity, { where: { tenantId, alertId: In(page.map((a) => a.id)) } })
        : [];
      for (const a of page) a.observables = observables.filter((o) => o.alertId === a.id);
      return toConnection(page, args.first, total, toAlertModel);
    });
  }

  async setStatus(tenantId: string, id: string, status: AlertStatus): Promise<AlertModel> {
    const row = UUID.test(id)
      ? await this.db.run(tenantId, async (em) => {
          const found = await em.findOne(AlertEntity, { where: { tenantId, id } });
          if (!found) return null;
          if (found.status !== status) await em.update(AlertEntity, { tenantId, id }, { status });
          return em.findOneOrFail(AlertEntity, { where: { tenantId, id }, relations: { observables: true } });
        })
      : null;
    if (!row) throw new AppError('NOT_FOUND', `alert ${id} not found`);
    return toAlertModel(row);
  }
}
