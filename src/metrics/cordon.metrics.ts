import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry, sourceLabel } from './metrics.registry';

/**
 * Every `cordon_*` metric the server records, each updated at the one place its event happens.
 * Labels carry only bounded, non-secret values: sources Cordon knows, playbook and step kinds,
 * integration ids and catalogue actions, outcomes. Never a tenant, a user or a free-text field.
 */
const registers = [metricsRegistry];

const alertsIngested = new Counter({
  name: 'cordon_alerts_ingested_total',
  help: 'Alerts received, by source and whether they became a new alert or folded into an existing one.',
  labelNames: ['source', 'outcome'] as const,
  registers,
});

const playbookRuns = new Counter({
  name: 'cordon_playbook_runs_total',
  help: 'Playbook runs that started, and that ended, by playbook and status.',
  labelNames: ['playbook', 'status'] as const,
  registers,
});

const stepDuration = new Histogram({
  name: 'cordon_playbook_step_duration_seconds',
  help: 'Time from a step starting to its end (all attempts and waits), by step kind and status.',
  labelNames: ['kind', 'status'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
  registers,
});

const approvalWait = new Histogram({
  name: 'cordon_approval_wait_seconds',
  help: 'Time from an approval being requested to its end, by outcome.',
  labelNames: ['outcome'] as const,
  buckets: [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 14_400, 86_400],
  registers,
});

const integrationCalls = new Counter({
  name: 'cordon_integration_calls_total',
  help: 'Integration action calls (one per activity attempt), by vendor integration, action and outcome.',
  labelNames: ['vendor', 'action', 'outcome'] as const,
  registers,
});

const integrationDuration = new Histogram({
  name: 'cordon_integration_call_duration_seconds',
  help: "Duration of integration action calls, including the HTTP client's own retries.",
  labelNames: ['vendor', 'action', 'outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers,
});

const circuitsOpen = new Gauge({
  name: 'cordon_integration_circuits_open',
  help: 'Vendor clients in this process whose circuit breaker is open (failing fast), by vendor.',
  labelNames: ['vendor'] as const,
  registers,
});

const circuitOpenings = new Counter({
  name: 'cordon_integration_circuit_openings_total',
  help: 'Times a vendor client circuit breaker opened, by vendor.',
  labelNames: ['vendor'] as const,
  registers,
});

const activityRetries = new Counter({
  name: 'cordon_activity_retries_total',
  help: 'Activity attempts after the first, by activity type.',
  labelNames: ['activity'] as const,
  registers,
});

export type RunStatusLabel = 'started' | 'succeeded' | 'failed' | 'cancelled';
export type CallOutcome = 'success' | 'retryable_error' | 'error' | 'cancelled';

export const cordonMetrics = {
  /** One batch, after it committed: each input counted once as new or deduplicated. */
  alertsIngested(inputs: { source: string }[], created: Set<unknown>): void {
    for (const input of inputs)
      alertsIngested.inc({
        source: sourceLabel(input.source),
        outcome: created.has(input) ? 'new' : 'deduplicated',
      });
  },

  playbookRun(playbook: string, status: RunStatusLabel): void {
    playbookRuns.inc({ playbook, status });
  },

  stepFinished(kind: string, status: string, seconds: number): void {
    stepDuration.observe({ kind, status: status.toLowerCase() }, Math.max(0, seconds));
  },

  approvalClosed(outcome: string, seconds: number): void {
    approvalWait.observe({ outcome: outcome.toLowerCase() }, Math.max(0, seconds));
  },

  integrationCall(vendor: string, action: string, outcome: CallOutcome, seconds: number): void {
    integrationCalls.inc({ vendor, action, outcome });
    integrationDuration.observe({ vendor, action, outcome }, seconds);
  },

  /** A breaker's open/closed flips; half-open still counts as open (calls are not yet flowing). */
  circuitChanged(vendor: string, open: boolean): void {
    if (open) {
      circuitsOpen.inc({ vendor });
      circuitOpenings.inc({ vendor });
    } else circuitsOpen.dec({ vendor });
  },

  activityRetried(activity: string): void {
    activityRetries.inc({ activity });
  },
};
