import { Gauge } from 'prom-client';
import type { ActivityInterceptorsFactory, WorkerStatus } from '@temporalio/worker';
import { cordonMetrics } from './cordon.metrics';
import { stepAttempt } from '../workflows/activity-contract';
import { metricsRegistry } from './metrics.registry';

let status: (() => WorkerStatus | undefined) | undefined;

// Read at scrape time from the worker itself: nothing to keep in step between scrapes.
new Gauge({
  name: 'cordon_temporal_worker_slots_in_use',
  help: 'Temporal worker task slots in use: workflow activations and activities being processed.',
  labelNames: ['slot'] as const,
  registers: [metricsRegistry],
  collect() {
    const s = status?.();
    if (!s) return;
    this.set({ slot: 'workflow_task' }, s.numInFlightWorkflowActivations);
    this.set({ slot: 'activity_task' }, s.numInFlightNonLocalActivities);
    this.set({ slot: 'local_activity_task' }, s.numInFlightLocalActivities);
  },
});

new Gauge({
  name: 'cordon_temporal_worker_cached_workflows',
  help: 'Workflow executions held in the Temporal worker cache.',
  registers: [metricsRegistry],
  collect() {
    const s = status?.();
    if (s) this.set(s.numCachedWorkflows);
  },
});

/** The process's worker, read on each scrape (a process without a worker reports no slots). */
export function observeWorker(getStatus: () => WorkerStatus | undefined): void {
  status = getStatus;
}

/** Counts every activity attempt after the first: one interceptor sees all activity types. */
export const retryMetricsInterceptor: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    execute(input, next) {
      // An action's regular attempts after its local first one say how many came before.
      const args = (input.args[0] ?? {}) as { priorAttempts?: number };
      if (stepAttempt(ctx.info.attempt, args) > 1) cordonMetrics.activityRetried(ctx.info.activityType);
      return next(input);
    },
  },
});
