import type { EntityManager } from 'typeorm';
import type { IngestPlan, NewAlert } from './ingest-plan';
import type { AlertStatus } from '../alert-status';
import { storedTechniques } from '../mappers/alert.mapper';

/**
 * Set-based writes for one ingest batch: a handful of statements whatever the batch size,
 * arrays passed as parameters and expanded with unnest().
 */
export async function lockFingerprints(
  em: EntityManager,
  tenantId: string,
  fingerprints: string[],
): Promise<void> {
  // Sorted, so two batches sharing fingerprints take the locks in the same order.
  const keys = [...new Set(fingerprints)].sort().map((f) => `${tenantId}/${f}`);
  await em.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k ORDER BY k`,
    [keys],
  );
}

export async function latestByFingerprint(
  em: EntityManager,
  tenantId: string,
  fingerprints: string[],
): Promise<Map<string, { id: string; lastSeenAt: Date }>> {
  const rows = await em.query<{ id: string; fingerprint: string; last_seen_at: Date }[]>(
    `SELECT DISTINCT ON (fingerprint) id, fingerprint, last_seen_at FROM alerts
      WHERE tenant_id = $1 AND fingerprint = ANY($2::text[])
      ORDER BY fingerprint, last_seen_at DESC`,
    [tenantId, [...new Set(fingerprints)]],
  );
  return new Map(rows.map((r) => [r.fingerprint, { id: r.id, lastSeenAt: new Date(r.last_seen_at) }]));
}

export async function applyRepeats(
  em: EntityManager,
  tenantId: string,
  repeats: IngestPlan['repeats'],
): Promise<void> {
  if (!repeats.size) return;
  const ids = [...repeats.keys()];
  await em.query(
    `UPDATE alerts a SET duplicate_count = a.duplicate_count + v.n, last_seen_at = GREATEST(a.last_seen_at, v.seen), updated_at = now()
       FROM unnest($2::uuid[], $3::int[], $4::timestamptz[]) AS v(id, n, seen)
      WHERE a.tenant_id = $1 AND a.id = v.id`,
    [tenantId, ids, ids.map((id) => repeats.get(id)!.count), ids.map((id) => repeats.get(id)!.lastSeenAt)],
  );
}

export async function insertAlerts(
  em: EntityManager,
  tenantId: string,
  alerts: NewAlert[],
  caseOf: Map<string, string>,
): Promise<Map<string, { status: AlertStatus; createdAt: Date }>> {
  if (!alerts.length) return new Map();
  const col = <T>(f: (a: NewAlert) => T) => alerts.map(f);
  const stored = await em.query<{ id: string; status: AlertStatus; created_at: Date }[]>(
    `INSERT INTO alerts (id, tenant_id, case_id, source, source_ref, rule, fingerprint, title, description, severity,
                         techniques, raw, detected_at, last_seen_at, duplicate_count)
     SELECT v.id, $1, v.case_id, v.source, v.source_ref, v.rule, v.fingerprint, v.title, v.description, v.severity,
            ARRAY(SELECT jsonb_array_elements_text(v.techniques)), v.raw, v.detected_at, v.last_seen_at, v.duplicates
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                   $11::jsonb[], $12::jsonb[], $13::timestamptz[], $14::timestamptz[], $15::int[])
         AS v(id, case_id, source, source_ref, rule, fingerprint, title, description, severity, techniques, raw, detected_at, last_seen_at, duplicates)
     RETURNING id, status, created_at`,
    [
      tenantId,
      col((a) => a.id),
      col((a) => caseOf.get(a.id) ?? null),
      col((a) => a.input.source),
      col((a) => a.input.sourceRef ?? null),
      col((a) => a.input.rule ?? null),
      col((a) => a.fingerprint),
      col((a) => a.input.title),
      col((a) => a.input.description ?? null),
      col((a) => a.input.severity),
      col((a) => JSON.stringify(storedTechniques(a.input.techniques))),
      col((a) => (a.input.raw === undefined ? null : JSON.stringify(a.input.raw))),
      col((a) => a.detectedAt),
      col((a) => a.lastSeenAt),
      col((a) => a.duplicates),
    ],
  );
  const obs = alerts.flatMap((a) => a.observables.map((o) => ({ alertId: a.id, ...o })));
  if (obs.length) {
    await em.query(
      `INSERT INTO observables (tenant_id, alert_id, type, value)
       SELECT $1, v.alert_id, v.type, v.value FROM unnest($2::uuid[], $3::text[], $4::text[]) AS v(alert_id, type, value)`,
      [tenantId, obs.map((o) => o.alertId), obs.map((o) => o.type), obs.map((o) => o.value)],
    );
  }
  return new Map(stored.map((r) => [r.id, { status: r.status, createdAt: new Date(r.created_at) }]));
}
