import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { returning } from '../database/sql';
import type { TenantDb } from '../database/tenant-db';
import { SEVERITIES, severityRank, type Severity } from '../alerts/severity';
import type { CorrelationSettings } from '../tenancy/entities/tenant.entity';
import { OPEN_CASE_STATUSES, type CaseStatus } from './case-status';
import { CaseEntity } from './entities/case.entity';

export interface CaseSnapshot {
  id: string;
  number: number;
  title: string;
  severity: Severity;
  status: CaseStatus;
}

interface BatchAlert {
  id: string;
  title: string;
  severity: Severity;
  detectedAt: Date;
  observables: { type: string; value: string }[];
}

const key = (o: { type: string; value: string }) => `${o.type}\u0000${o.value}`;

/** Which case each new alert of a batch joins or opens; nothing written yet (see writeCases). */
export interface CasePlan {
  caseOf: Map<string, string>;
  /** Every case of the batch; an opened one has number 0 until writeCases numbers it. */
  cases: Map<string, CaseSnapshot>;
  opened: { snapshot: CaseSnapshot; detectedAt: Date }[];
  /** Open cases that gain alerts, with the earliest detection among them. */
  grown: { id: string; earliest: Date }[];
  events: { caseId: string; kind: string; actor: string; data: Record<string, unknown> }[];
}

/**
 * Gives each new alert of a batch its case, reading only: the open case that recently saw one
 * of its entities (correlation), one opened earlier in the batch for a shared entity, or a new
 * case (its id chosen here, its number by writeCases). Severity rises to the highest alert's;
 * the detection clock goes back to the earliest.
 */
export async function planCases(
  em: EntityManager,
  tenantId: string,
  actor: string,
  alerts: BatchAlert[],
  settings: CorrelationSettings,
): Promise<CasePlan> {
  const entityKeys = (a: BatchAlert) =>
    settings.enabled ? a.observables.filter((o) => (settings.entities as string[]).includes(o.type)) : [];
  const wanted = [...new Map(alerts.flatMap(entityKeys).map((o) => [key(o), o])).values()];
  const cases = new Map<string, CaseSnapshot>();
  const byKey = new Map<string, string>();
  if (wanted.length) {
    for (const r of await openCasesSeeing(em, tenantId, wanted, settings.windowMinutes)) {
      byKey.set(key(r), r.id);
      cases.set(r.id, { id: r.id, number: r.number, title: r.title, severity: r.severity, status: r.status });
    }
  }
  const existing = new Set(cases.keys());
  const opened: { snapshot: CaseSnapshot; detectedAt: Date }[] = [];
  const caseOf = new Map<string, string>();
  const members = new Map<string, BatchAlert[]>();
  for (const a of alerts) {
    const keys = entityKeys(a).map(key);
    let caseId = keys.map((k) => byKey.get(k)).find((id) => id !== undefined);
    if (!caseId) {
      caseId = randomUUID();
      const snapshot: CaseSnapshot = {
        id: caseId,
        number: 0,
        title: a.title,
        severity: a.severity,
        status: 'OPEN',
      };
      cases.set(caseId, snapshot);
      opened.push({ snapshot, detectedAt: a.detectedAt });
    }
    for (const k of keys) if (!byKey.has(k)) byKey.set(k, caseId);
    caseOf.set(a.id, caseId);
    const list = members.get(caseId);
    if (list) list.push(a);
    else members.set(caseId, [a]);
  }

  // Severity rises to the highest alert's; the detection clock goes back to the earliest.
  for (const [caseId, list] of members) {
    const snap = cases.get(caseId)!;
    snap.severity =
      SEVERITIES[Math.max(severityRank(snap.severity), ...list.map((a) => severityRank(a.severity)))]!;
  }
  const earliest = (caseId: string) =>
    new Date(Math.min(...members.get(caseId)!.map((a) => a.detectedAt.getTime())));

  const grown = [...existing].filter((id) => members.has(id)).map((id) => ({ id, earliest: earliest(id) }));
  const events: CasePlan['events'] = [];
  for (const o of opened) events.push({ caseId: o.snapshot.id, kind: 'CREATED', actor, data: {} });
  for (const a of alerts) {
    const caseId = caseOf.get(a.id)!;
    events.push({
      caseId,
      kind: 'ALERT_ADDED',
      actor: existing.has(caseId) ? 'correlation' : actor,
      data: { alertId: a.id, title: a.title },
    });
  }
  for (const o of opened) o.detectedAt = earliest(o.snapshot.id);
  return { caseOf, cases, opened, grown, events };
}

/** A RETURNING list in CaseEntity's shape, from its own mapping: nothing is read back after the write. */
function caseRow(em: EntityManager, alias: string): string {
  return em.connection
    .getMetadata(CaseEntity)
    .columns.map((c) => `${alias}.${c.databaseName} AS "${c.propertyName}"`)
    .join(', ');
}

/**
 * Writes a CasePlan: raises the cases that grew now, and sends the opened ones — numbered,
 * inserted and their CREATED and ALERT_ADDED lines written in one statement — with the
 * transaction's COMMIT. Numbering locks the tenant's row, and every ingest of the tenant that
 * opens a case waits for it: sent with COMMIT, it is held for the database's own work, not
 * across round trips to a busy process (measured: most contained alerts of the `peer` bench
 * waited 5–40 ms for it before). The alerts' key to their case is checked at commit. Returns,
 * for after the commit, every case of the batch as written; it also gives the plan's opened
 * cases their numbers.
 */
export async function writeCases(
  db: TenantDb,
  em: EntityManager,
  tenantId: string,
  plan: CasePlan,
): Promise<() => CaseEntity[]> {
  const { opened, grown, cases, events } = plan;
  const rows: CaseEntity[] = [];
  if (grown.length) {
    rows.push(
      ...(await returning<CaseEntity>(
        em,
        `UPDATE cases c SET severity = v.severity, detected_at = LEAST(c.detected_at, v.detected_at), updated_at = now()
           FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]) AS v(id, severity, detected_at)
          WHERE c.tenant_id = $1 AND c.id = v.id
        RETURNING ${caseRow(em, 'c')}`,
        [
          tenantId,
          grown.map((g) => g.id),
          grown.map((g) => cases.get(g.id)!.severity),
          grown.map((g) => g.earliest),
        ],
      )),
    );
  }
  if (!events.length) return () => rows;
  const openedAt = new Map(opened.map((o, i) => [o.snapshot.id, i + 1]));
  // A CREATED event carries its case's number.
  const inserted = db.atCommit<CaseEntity>(
    em,
    `WITH seq AS (
       UPDATE tenants SET case_seq = case_seq + $2 WHERE id = $1 AND $2 > 0 RETURNING case_seq
     ), opened AS (
       INSERT INTO cases AS c (id, tenant_id, number, title, severity, status, detected_at)
       SELECT v.id, $1, seq.case_seq - $2 + v.n, v.title, v.severity, 'OPEN', v.detected_at
         FROM seq, unnest($3::uuid[], $4::text[], $5::text[], $6::timestamptz[])
              WITH ORDINALITY AS v(id, title, severity, detected_at, n)
       RETURNING ${caseRow(em, 'c')}
     ), timeline AS (
       INSERT INTO case_events (tenant_id, case_id, kind, actor, data)
       SELECT $1, e.case_id, e.kind, e.actor, CASE WHEN e.opened > 0
                THEN e.data || jsonb_build_object('number', (SELECT case_seq FROM seq) - $2 + e.opened)
                ELSE e.data END
         FROM unnest($7::uuid[], $8::text[], $9::text[], $10::jsonb[], $11::int[])
              WITH ORDINALITY AS e(case_id, kind, actor, data, opened, n)
        ORDER BY e.n
     )
     SELECT * FROM opened`,
    [
      tenantId,
      opened.length,
      opened.map((o) => o.snapshot.id),
      opened.map((o) => o.snapshot.title),
      opened.map((o) => o.snapshot.severity),
      opened.map((o) => o.detectedAt),
      events.map((e) => e.caseId),
      events.map((e) => e.kind),
      events.map((e) => e.actor),
      events.map((e) => JSON.stringify(e.data)),
      // A CREATED event's case by its place among the opened (numbered in that order), else 0.
      events.map((e) => (e.kind === 'CREATED' ? openedAt.get(e.caseId)! : 0)),
    ],
  );
  return () => {
    // A tenant that does not exist numbers nothing, and its alerts' cases fail the commit first.
    for (const row of inserted.rows) cases.get(row.id)!.number = row.number;
    return [...rows, ...inserted.rows];
  };
}

/**
 * For each entity, the open case whose alert saw it most recently within the window. Two
 * statements, each safe whatever the planner believes: the entities are looked up one by one
 * through the observables index (OFFSET 0 keeps that lookup per entity) and folded, inside the
 * database, to the cases their alerts belong to; then those cases by primary key. As one join, a
 * young database whose statistics were not gathered yet (estimates of one row per tenant) was
 * planned as cases × alerts × entities: seconds per batch. Returning the alerts themselves grew
 * with the window's history (an IP seen by a thousand alerts is still one or two cases).
 */
async function openCasesSeeing(
  em: EntityManager,
  tenantId: string,
  entities: { type: string; value: string }[],
  windowMinutes: number,
): Promise<(CaseSnapshot & { type: string; value: string })[]> {
  // Only the alerts seen within the window: an entity's whole history would grow every batch.
  const seen = await em.query<{ type: string; value: string; case_id: string; seen_at: Date }[]>(
    `SELECT k.type, k.value, m.case_id, m.seen_at
       FROM unnest($2::text[], $3::text[]) AS k(type, value)
       JOIN LATERAL (
         SELECT a.case_id, max(a.last_seen_at) AS seen_at
           FROM observables o JOIN alerts a ON a.id = o.alert_id
          WHERE o.tenant_id = $1 AND o.type = k.type AND o.value = k.value
            AND a.last_seen_at >= now() - make_interval(mins => $4) AND a.case_id IS NOT NULL
          GROUP BY a.case_id
         OFFSET 0
       ) m ON true`,
    [tenantId, entities.map((o) => o.type), entities.map((o) => o.value), windowMinutes],
  );
  if (!seen.length) return [];
  const open = await em.query<CaseSnapshot[]>(
    `SELECT id, number, title, severity, status FROM cases
      WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND status = ANY($3::text[])`,
    [tenantId, [...new Set(seen.map((s) => s.case_id))], OPEN_CASE_STATUSES],
  );
  const byId = new Map(open.map((c) => [c.id, c]));
  const latest = new Map<string, CaseSnapshot & { type: string; value: string; seenAt: number }>();
  for (const s of seen) {
    const c = byId.get(s.case_id);
    if (!c) continue;
    const seenAt = new Date(s.seen_at).getTime();
    const k = key(s);
    if ((latest.get(k)?.seenAt ?? -Infinity) >= seenAt) continue;
    const { id, number, title, severity, status } = c;
    latest.set(k, { type: s.type, value: s.value, id, number, title, severity, status, seenAt });
  }
  return [...latest.values()];
}
