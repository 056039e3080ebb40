import { randomUUID } from 'node:crypto';
import type { AlertInput } from '../dto/alert.input';
import type { ObservableType } from '../observable-type';
import { dedupeObservables, normaliseObservable } from '../observables';
import { alertFingerprint } from '../fingerprint';
import type { DedupSettings } from '../../tenancy/entities/tenant.entity';

export interface PreparedAlert {
  input: AlertInput;
  observables: { type: ObservableType; value: string }[];
  detectedAt: Date;
  fingerprint: string;
  windowMinutes: number;
}

export interface NewAlert extends PreparedAlert {
  id: string;
  /** Repeats of this alert later in the same batch. */
  duplicates: number;
  lastSeenAt: Date;
}

export interface IngestPlan {
  /** Per input, in order: the alert it became or folded into. */
  alertIds: string[];
  created: NewAlert[];
  /** Existing alerts that absorbed repeats: how many, and the latest time seen. */
  repeats: Map<string, { count: number; lastSeenAt: Date }>;
}

/** Canonical observables, detection time and fingerprint of each input, per the tenant's dedup settings. */
export function prepare(inputs: AlertInput[], dedup: DedupSettings, now: Date): PreparedAlert[] {
  return inputs.map((input) => {
    const observables = dedupeObservables(
      (input.observables ?? []).map((o) => ({ type: o.type, value: normaliseObservable(o.type, o.value) })),
    );
    const perSource = dedup.sources[input.source] ?? {};
    return {
      input,
      observables,
      detectedAt: input.detectedAt ?? now,
      fingerprint: alertFingerprint({ ...input, observables }, perSource.entityTypes),
      windowMinutes: perSource.windowMinutes ?? dedup.windowMinutes,
    };
  });
}

/**
 * Decides, for a whole batch at once, which inputs are new alerts and which fold into an
 * existing one (same fingerprint, last seen within the window before this detection) or into
 * an earlier input of the same batch.
 */
export function planIngest(
  items: PreparedAlert[],
  latest: Map<string, { id: string; lastSeenAt: Date }>,
): IngestPlan {
  const plan: IngestPlan = { alertIds: [], created: [], repeats: new Map() };
  const fresh = new Map<string, NewAlert>();
  for (const item of items) {
    const windowStart = item.detectedAt.getTime() - item.windowMinutes * 60_000;
    const inBatch = fresh.get(item.fingerprint);
    if (inBatch && inBatch.lastSeenAt.getTime() >= windowStart) {
      inBatch.duplicates++;
      if (item.detectedAt > inBatch.lastSeenAt) inBatch.lastSeenAt = item.detectedAt;
      plan.alertIds.push(inBatch.id);
      continue;
    }
    const existing = latest.get(item.fingerprint);
    if (existing && existing.lastSeenAt.getTime() >= windowStart) {
      const r = plan.repeats.get(existing.id) ?? { count: 0, lastSeenAt: existing.lastSeenAt };
      r.count++;
      if (item.detectedAt > r.lastSeenAt) r.lastSeenAt = item.detectedAt;
      plan.repeats.set(existing.id, r);
      existing.lastSeenAt = r.lastSeenAt;
      plan.alertIds.push(existing.id);
      continue;
    }
    const created: NewAlert = { ...item, id: randomUUID(), duplicates: 0, lastSeenAt: item.detectedAt };
    fresh.set(item.fingerprint, created);
    plan.created.push(created);
    plan.alertIds.push(created.id);
  }
  return plan;
}
