import { collectDefaultMetrics, Registry } from 'prom-client';
import { NORMALISERS } from '../alerts/normalisers';

/**
 * Cordon's own Prometheus registry (not prom-client's global one, so a library registering its
 * metrics globally cannot leak them into our scrape). Metrics are module singletons: the events
 * they count happen in services, activities and the integration kit, not all of them Nest-injected.
 */
export const metricsRegistry = new Registry();

let defaultsOn = false;

/** Process metrics (CPU, memory, event loop, GC) as `cordon_*`; once per process, when it starts serving. */
export function enableProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'cordon_' });
}

/**
 * Label values must stay few and known (bounded cardinality, no tenant ids, no free text): an
 * alert's source is whatever a client typed, so only the sources Cordon normalises are named.
 */
export function sourceLabel(source: string): string {
  return Object.hasOwn(NORMALISERS, source) ? source : 'other';
}
