import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { TenantDb } from '../database/tenant-db';
import { decodeCursor, toConnection, type Connection } from '../common/graphql/pagination';
import type { Principal } from '../auth/principal';
import { RunsService } from '../runs/runs.service';
import { RunDispatcher } from '../runs/run-dispatcher';
import { EventBus } from '../events/event-bus';
import { CaseEntity } from '../cases/entities/case.entity';
import { toCaseModel } from '../cases/mappers/case.mapper';
import { AppError } from '../common/errors/app-error';
import { tenantSettings, tenantSettingsStatement, type TenantSettingsRow } from '../cases/correlation';
import { planCases, writeCases } from '../cases/case-batch';
import { AlertEntity } from './entities/alert.entity';
import { ObservableEntity } from './entities/observable.entity';
import type { AlertInput } from './dto/alert.input';
import { applyAlertFilter, type AlertFilter } from './alert-filter';
import type { AlertStatus } from './alert-status';
import type { ObservableType } from './observable-type';
import { normaliseObservable } from './observables';
import { recordCaseEvent } from '../cases/case-timeline';
import { toAlertModel, toNewAlertModel } from './mappers/alert.mapper';
import type { AlertModel, IngestAlertsPayload } from './models/alert.model';
import { planIngest, prepare } from './ingest/ingest-plan';
import {
  applyRepeats,
  insertAlerts,
  latestByFingerprint,
  lockFingerprints,
} from './ingest/alert-batch-writer';
import { isUuid } from '../common/ids';
import { cordonMetrics } from '../metrics/cordon.metrics';

/** A caller's statements in an ingest's transaction (see AlertsService.ingest). */
export interface IngestHooks {
  first?: (em: EntityManager) => Promise<void>;
  alongside?: (em: EntityManager, stored: { alertIds: string[]; created: number }) => Promise<void>;
}

@Injectable()
export class AlertsService {
  constructor(
    private readonly db: TenantDb,
    private readonly runs: RunsService,
    private readonly dispatcher: RunDispatcher,
    private readonly events: EventBus,
  ) {}

  /**
   * Stores a validated batch in one transaction: alerts, observables, the cases they open or
   * join, and the playbook runs they trigger (queued: an outbox). Either all of it is written or
   * none. The work is set-based — a fixed number of statements per batch, not per alert.
   * Workflows start after commit, in the background; a start that fails is retried by the sweep.
   * `hooks` run in the transaction: `first` before anything is written, after the tenant's
   * settings are read with the transaction's opening (a webhook delivery seen before ends it
   * there), `alongside` with what was stored (the delivery's record, which commits with the
   * alerts or not at all).
   * Nothing is read back after commit: the caller gets the alerts' ids (`byIds` reads them), and
   * listeners hear of the new alerts as written and of the cases as the transaction left them.
   */
  async ingest(
    principal: Principal,
    inputs: AlertInput[],
    hooks: IngestHooks = {},
  ): Promise<IngestAlertsPayload> {
    const tenantId = principal.tenantId;
    // The tenant's settings are read in the transaction's opening round trip.
    const { alertIds, created, createdInputs, newAlerts, caseRows, openedCaseIds, runs } =
      await this.db.runFrom(
        tenantId,
        tenantSettingsStatement(tenantId),
        async (em, settings: TenantSettingsRow[]) => {
          const { correlation, dedup } = tenantSettings(tenantId, settings);
          await hooks.first?.(em);
          const items = prepare(inputs, dedup, new Date());
          const fingerprints = items.map((i) => i.fingerprint);
          await lockFingerprints(em, tenantId, fingerprints);
          const plan = planIngest(items, await latestByFingerprint(em, tenantId, fingerprints));
          await applyRepeats(em, tenantId, plan.repeats);
          const batch = plan.created.map((a) => ({
            id: a.id,
            title: a.input.title,
            severity: a.input.severity,
            detectedAt: a.detectedAt,
            observables: a.observables,
          }));
          const cases = await planCases(em, tenantId, principal.actorId, batch, correlation);
          const { caseOf } = cases;
          const stored = await insertAlerts(em, tenantId, plan.created, caseOf);
          await hooks.alongside?.(em, { alertIds: plan.alertIds, created: plan.created.length });
          const matches = await this.runs.matchNewAlerts(
            em,
            tenantId,
            plan.created.map((a) => ({
              alert: {
                id: a.id,
                source: a.input.source,
                sourceRef: a.input.sourceRef ?? null,
                title: a.input.title,
                severity: a.input.severity,
                techniques: a.input.techniques ?? [],
                observables: a.observables,
                detectedAt: a.detectedAt,
              },
              kase: cases.cases.get(caseOf.get(a.id)!)!,
            })),
          );
          // Last: the opened cases and the runs that need their numbers go with the COMMIT, which
          // numbering holds the tenant's row until (both are read back after it).
          const caseRows = await writeCases(this.db, em, tenantId, cases);
          const queued = this.runs.queueForNewAlerts(em, principal, matches);
          return {
            alertIds: plan.alertIds,
            created: plan.created.length,
            createdInputs: new Set(plan.created.map((a) => a.input)),
            newAlerts: plan.created.map((a) =>
              toNewAlertModel(a, caseOf.get(a.id) ?? null, stored.get(a.id)!),
            ),
            caseRows,
            openedCaseIds: cases.opened.map((o) => o.snapshot.id),
            runs: queued,
          };
        },
      );
    cordonMetrics.alertsIngested(inputs, createdInputs);
    // In this order: the cases' numbers are given to the runs' events.
    const writtenCases = caseRows();
    this.dispatcher.dispatchInBackground(runs());
    this.announce(tenantId, newAlerts, writtenCases, new Set(openedCaseIds));
    return { alertIds, created, deduplicated: inputs.length - created };
  }

  /** Alerts by id, in the order given (repeats included), with their observables. */
  async byIds(tenantId: string, ids: string[]): Promise<AlertModel[]> {
    return ids.length ? this.db.run(tenantId, (em) => alertsByIds(em, tenantId, ids)) : [];
  }

  /**
   * Tells subscribers and listeners (case triggers, waiting runs), after commit, about new alerts
   * and the cases they opened or joined.
   */
  private announce(tenantId: string, created: AlertModel[], cases: CaseEntity[], opened: Set<string>): void {
    for (const alert of created) this.events.publish({ type: 'alert.ingested', tenantId, alert });
    for (const row of cases)
      this.events.publish({
        type: 'case.updated',
        tenantId,
        case: toCaseModel(row),
        ...(opened.has(row.id) ? { created: true } : {}),
      });
  }

  async get(tenantId: string, id: string): Promise<AlertModel> {
    const row = isUuid(id)
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
      attachObservables(page, observables);
      return toConnection(page, args.first, total, toAlertModel);
    });
  }

  /**
   * The first page of alerts of each of many cases in two queries (alerts, observables): what
   * `cases { alerts { … } }` needs, batched by a DataLoader so a page of 50 cases is not 50 queries.
   */
  async firstAlertsOfCases(
    tenantId: string,
    caseIds: readonly string[],
    first: number,
  ): Promise<Connection<AlertModel>[]> {
    return this.db.run(tenantId, async (em) => {
      const rows = await em.query<{ id: string; case_id: string; total: string }[]>(
        `SELECT id, case_id, total FROM (
           SELECT id, case_id, created_at,
                  row_number() OVER (PARTITION BY case_id ORDER BY created_at DESC, id DESC) AS n,
                  count(*) OVER (PARTITION BY case_id) AS total
             FROM alerts WHERE tenant_id = $1 AND case_id = ANY($2::uuid[])) ranked
          WHERE n <= $3 ORDER BY case_id, n`,
        [tenantId, [...caseIds], first + 1],
      );
      const ids = rows.map((r) => r.id);
      const found = ids.length ? await em.find(AlertEntity, { where: { tenantId, id: In(ids) } }) : [];
      const observables = ids.length
        ? await em.find(ObservableEntity, { where: { tenantId, alertId: In(ids) } })
        : [];
      attachObservables(found, observables);
      const byId = new Map(found.map((a) => [a.id, a]));
      return caseIds.map((caseId) => {
        const mine = rows.filter((r) => r.case_id === caseId);
        return toConnection(
          mine.map((r) => byId.get(r.id)!),
          first,
          Number(mine[0]?.total ?? 0),
          toAlertModel,
        );
      });
    });
  }

  /**
   * An observable found while working a case (a playbook's enrichment, say). Observables hang off
   * alerts, so it joins the case's earliest alert, once; the timeline says who added it.
   */
  async addCaseObservable(
    tenantId: string,
    caseId: string,
    observable: { type: ObservableType; value: string },
    actor: string,
  ): Promise<{ case_id: string; type: string; value: string; added: boolean }> {
    const value = normaliseObservable(observable.type, observable.value);
    const added = isUuid(caseId)
      ? await this.db.run(tenantId, async (em) => {
          const [first] = await em.query<{ id: string }[]>(
            `SELECT id FROM alerts WHERE tenant_id = $1 AND case_id = $2 ORDER BY detected_at, id LIMIT 1`,
            [tenantId, caseId],
          );
          if (!first) return null;
          const inserted = await em.query<unknown[]>(
            `INSERT INTO observables (tenant_id, alert_id, type, value)
             SELECT $1, $2, $3, $4
              WHERE NOT EXISTS (SELECT 1 FROM observables WHERE tenant_id = $1 AND alert_id = $2 AND type = $3 AND value = $4)
             RETURNING alert_id`,
            [tenantId, first.id, observable.type, value],
          );
          if (inserted.length) {
            await recordCaseEvent(em, {
              tenantId,
              caseId,
              kind: 'OBSERVABLE_ADDED',
              actor,
              data: { type: observable.type, value, alertId: first.id },
            });
          }
          return inserted.length > 0;
        })
      : null;
    if (added === null) throw new AppError('NOT_FOUND', `case ${caseId} not found or has no alerts`);
    return { case_id: caseId, type: observable.type, value, added };
  }

  async setStatus(tenantId: string, id: string, status: AlertStatus): Promise<AlertModel> {
    const row = isUuid(id)
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

function attachObservables(alerts: AlertEntity[], observables: ObservableEntity[]): void {
  const byAlert = new Map<string, ObservableEntity[]>();
  for (const o of observables) byAlert.set(o.alertId, [...(byAlert.get(o.alertId) ?? []), o]);
  for (const a of alerts) a.observables = byAlert.get(a.id) ?? [];
}

/** Alerts in the order of the ids given (repeats included), with their observables, in two queries. */
async function alertsByIds(em: EntityManager, tenantId: string, ids: string[]): Promise<AlertModel[]> {
  const unique = [...new Set(ids)];
  const found = await em.find(AlertEntity, { where: { tenantId, id: In(unique) } });
  const observables = await em.find(ObservableEntity, { where: { tenantId, alertId: In(unique) } });
  attachObservables(found, observables);
  const rows = new Map(found.map((a) => [a.id, toAlertModel(a)]));
  return ids.map((id) => rows.get(id)!);
}
