import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import type { Principal } from '../auth/principal';
import { CasesService } from '../cases/cases.service';
import { RunsService } from '../runs/runs.service';
import { RunDispatcher } from '../runs/run-dispatcher';
import { AppError } from '../common/errors/app-error';
import { AlertEntity } from './entities/alert.entity';
import type { CaseEntity } from '../cases/entities/case.entity';
import { correlatedCase, correlationSettings } from '../cases/correlation';
import { moveAlerts } from '../cases/case-membership.service';
import type { CorrelationSettings } from '../tenancy/entities/tenant.entity';
import { ObservableEntity } from './entities/observable.entity';
import type { AlertInput } from './dto/alert.input';
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
      const correlation = await correlationSettings(em, tenantId);
      for (const input of inputs) {
        const { alert, isNew } = await this.upsertAlert(em, tenantId, input);
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

  private async upsertAlert(
    em: EntityManager,
    tenantId: string,
    input: AlertInput,
  ): Promise<{ alert: AlertEntity; isNew: boolean }> {
    const observables = dedupeObservables(
      (input.observables ?? []).map((o) => ({ type: o.type, value: normaliseObservable(o.type, o.value) })),
    );
    const now = new Date();
    const detectedAt = input.detectedAt ?? now;
    const fingerprint = alertFingerprint({ ...input, observables });
    // One statement decides new-or-repeat, so concurrent deliveries of the same alert cannot both insert.
    const rows = await em.query<{ id: string; inserted: boolean }[]>(
      `INSERT INTO alerts (tenant_id, source, source_ref, fingerprint, title, description, severity, techniques, raw, detected_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT (tenant_id, fingerprint) DO UPDATE
         SET duplicate_count = alerts.duplicate_count + 1,
             last_seen_at = GREATEST(alerts.last_seen_at, EXCLUDED.last_seen_at),
             updated_at = now()
       RETURNING id, (xmax = 0) AS inserted`,
      [
        tenantId,
        input.source,
        input.sourceRef ?? null,
        fingerprint,
        input.title,
        input.description ?? null,
        input.severity,
        input.techniques ?? [],
        input.raw === undefined ? null : JSON.stringify(input.raw),
        detectedAt,
      ],
    );
    const { id, inserted } = rows[0];
    if (inserted && observables.length) {
      await em.insert(
        ObservableEntity,
        observables.map((o) => ({ tenantId, alertId: id, type: o.type, value: o.value })),
      );
    }
    const alert = await em.findOneOrFail(AlertEntity, { where: { id }, relations: { observables: true } });
    return { alert, isNew: inserted };
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
    args: { first: number; after?: string; caseId?: string },
  ): Promise<Connection<AlertModel>> {
    const cursor = decodeCursor(args.after);
    return this.db.run(tenantId, async (em) => {
      const qb = em
        .createQueryBuilder(AlertEntity, 'a')
        .leftJoinAndSelect('a.observables', 'o')
        .where('a.tenant_id = :tenantId', { tenantId });
      if (args.caseId) qb.andWhere('a.case_id = :caseId', { caseId: args.caseId });
      const total = await qb.clone().getCount();
      if (cursor) qb.andWhere('(a.created_at, a.id) < (:ca, :cid)', { ca: cursor.createdAt, cid: cursor.id });
      const rows = await qb
        .orderBy('a.created_at', 'DESC')
        .addOrderBy('a.id', 'DESC')
        .take(args.first + 1)
        .getMany();
      return toConnection(rows, args.first, total, toAlertModel);
    });
  }
}
