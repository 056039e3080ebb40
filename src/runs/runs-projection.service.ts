import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDb, type SqlStatement } from '../database/tenant-db';
import { EventBus } from '../events/event-bus';
import { returning } from '../database/sql';
import { cordonMetrics, type RunStatusLabel } from '../metrics/cordon.metrics';
import type { StepFailureInfo } from '../workflows/run-input';
import type { StepStatus } from './run-status';

const RUN_STATUS_LABEL = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
} as const satisfies Record<string, RunStatusLabel>;

/** What recording a step's attempt returns (see `stepAttemptStatement`). */
export interface StepAttemptRow {
  status: string;
  output: Record<string, unknown> | null;
}

/**
 * Writes the workflow's progress into PostgreSQL for the API. Called only from activities;
 * every write is an idempotent upsert, so an activity retried after a crash changes nothing twice.
 */
@Injectable()
export class RunsProjection {
  constructor(
    private readonly db: TenantDb,
    private readonly events: EventBus,
  ) {}

  /** Tells `playbookRunUpdated` subscribers, after the write committed. */
  changed(tenantId: string, runId: string): void {
    this.events.publish({ type: 'run.updated', tenantId, runId });
  }

  /**
   * Records that Temporal runs the run: from the workflow (a local activity) or from the
   * dispatcher right after the start. The dispatcher may come second to a run that already
   * finished: it then only fills in what is missing, and the start is never after the finish.
   */
  async markStarted(tenantId: string, runId: string, temporalRunId: string): Promise<void> {
    // `started_at = now()` only in the transaction that set it: a retried activity counts nothing twice.
    const [row] = await this.db.statement<{ playbook_id: string; first: boolean }>(
      tenantId,
      `UPDATE playbook_runs
            SET status = CASE WHEN status = 'QUEUED' THEN 'RUNNING' ELSE status END,
                temporal_run_id = $3,
                started_at = COALESCE(started_at, LEAST(now(), finished_at)), updated_at = now()
          WHERE tenant_id = $1 AND id = $2
            AND (status IN ('QUEUED', 'RUNNING') OR started_at IS NULL OR temporal_run_id IS NULL)
         RETURNING playbook_id, started_at = now() AS first`,
      [tenantId, runId, temporalRunId],
    );
    if (row?.first) cordonMetrics.playbookRun(row.playbook_id, 'started');
    this.changed(tenantId, runId);
  }

  async finish(
    tenantId: string,
    runId: string,
    status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED',
    error: (StepFailureInfo & { stepId?: string }) | undefined,
    temporalRunId?: string,
    /**
     * Leave a run that already has an end as it is: the last step's activity finishing the run
     * must not overwrite a cancellation the workflow recorded while the step was being cut.
     */
    ifOpen = false,
  ): Promise<void> {
    // A run whose start the dispatcher could not record (the database failed just then) and that
    // finished before the sweep came back is given its run id and a start no later than now.
    const [row] = await this.db.statement<{ playbook_id: string; first: boolean; started: boolean }>(
      tenantId,
      `UPDATE playbook_runs SET status = $3, error = $4, finished_at = COALESCE(finished_at, now()),
                started_at = COALESCE(started_at, now()), temporal_run_id = COALESCE(temporal_run_id, $5),
                updated_at = now()
         WHERE tenant_id = $1 AND id = $2${ifOpen ? ' AND finished_at IS NULL' : ''}
         RETURNING playbook_id, finished_at = now() AS first, started_at = now() AS started`,
      [tenantId, runId, status, error ? JSON.stringify(error) : null, temporalRunId ?? null],
    );
    if (row?.started) cordonMetrics.playbookRun(row.playbook_id, 'started');
    if (row?.first) cordonMetrics.playbookRun(row.playbook_id, RUN_STATUS_LABEL[status]);
    this.changed(tenantId, runId);
  }

  /**
   * Records the start of one attempt of a step (attempt numbers come from Temporal): the
   * statement, to open the caller's tenant transaction with (TenantDb.runFrom); `attemptOutcome`
   * reads its rows. The caller calls `changed` after commit.
   */
  stepAttemptStatement(
    tenantId: string,
    args: { runId: string; stepId: string; kind: string; action?: string; input: unknown; attempt: number },
  ): SqlStatement {
    return {
      sql: `INSERT INTO step_runs (tenant_id, run_id, step_id, kind, action, status, attempts, input, started_at)
         VALUES ($1, $2, $3, $4, $5, 'RUNNING', $6, $7, now())
         ON CONFLICT (run_id, step_id) DO UPDATE
           SET attempts = CASE WHEN step_runs.status = 'SUCCEEDED' THEN step_runs.attempts
                               ELSE GREATEST(step_runs.attempts + 1, EXCLUDED.attempts) END,
               status = CASE WHEN step_runs.status = 'SUCCEEDED' THEN step_runs.status ELSE 'RUNNING' END,
               input = EXCLUDED.input, updated_at = now()
         RETURNING status, output`,
      params: [
        tenantId,
        args.runId,
        args.stepId,
        args.kind,
        args.action ?? null,
        args.attempt,
        JSON.stringify(args.input ?? null),
      ],
    };
  }

  /**
   * The output when an earlier attempt already finished the step: its completion was lost (a
   * worker died between the vendor's answer and Temporal's), and the work must not be done twice.
   */
  attemptOutcome(rows: StepAttemptRow[]): { completedOutput?: Record<string, unknown> } {
    const [row] = rows;
    return row?.status === 'SUCCEEDED' && row.output ? { completedOutput: row.output } : {};
  }

  async stepError(tenantId: string, runId: string, stepId: string, error: StepFailureInfo): Promise<void> {
    await this.db.statement(
      tenantId,
      `UPDATE step_runs SET error = $4, updated_at = now() WHERE tenant_id = $1 AND run_id = $2 AND step_id = $3`,
      [tenantId, runId, stepId, JSON.stringify(error)],
    );
    this.changed(tenantId, runId);
  }

  async recordStep(
    tenantId: string,
    args: {
      runId: string;
      stepId: string;
      kind: string;
      action?: string;
      status: StepStatus;
      input?: unknown;
      output?: unknown;
      error?: StepFailureInfo;
    },
    /** Writes that must land with the record or not at all (the action call's audit entry). */
    alongside?: (em: EntityManager) => void,
  ): Promise<void> {
    const terminal = args.status === 'SUCCEEDED' || args.status === 'FAILED' || args.status === 'SKIPPED';
    // A finished step's line on the case timeline goes in the same statement (a data-modifying
    // CTE always runs): one round trip less for every step of every run.
    const timeline =
      terminal && args.status !== 'SKIPPED'
        ? {
            runId: args.runId,
            stepId: args.stepId,
            action: args.action ?? null,
            status: args.status,
            error: args.error ?? null,
          }
        : null;
    const [ended] = await this.db.run(tenantId, async (em) => {
      // The step's duration is observed once: by the write that set finished_at (it equals now() only there).
      const rows = await returning<{ just_finished: boolean; seconds: number | null }>(
        em,
        `WITH timeline AS (${caseEventInsert(1, 2, 11, 12, 13)})
         INSERT INTO step_runs (tenant_id, run_id, step_id, kind, action, status, attempts, input, output, error, started_at, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, CASE WHEN $6 = 'SKIPPED' THEN NULL ELSE now() END, CASE WHEN $10 THEN now() END)
         ON CONFLICT (run_id, step_id) DO UPDATE
           SET status = EXCLUDED.status,
               input = COALESCE(EXCLUDED.input, step_runs.input),
               output = COALESCE(EXCLUDED.output, step_runs.output),
               error = COALESCE(EXCLUDED.error, step_runs.error),
               finished_at = COALESCE(step_runs.finished_at, EXCLUDED.finished_at),
               updated_at = now()
         RETURNING finished_at = now() AS just_finished,
                   EXTRACT(EPOCH FROM finished_at - started_at)::float8 AS seconds`,
        [
          tenantId,
          args.runId,
          args.stepId,
          args.kind,
          args.action ?? null,
          args.status,
          args.input === undefined ? null : JSON.stringify(args.input),
          args.output === undefined ? null : JSON.stringify(args.output),
          args.error ? JSON.stringify(args.error) : null,
          terminal,
          'PLAYBOOK_STEP',
          timeline && JSON.stringify(timeline),
          `step:${args.runId}:${args.stepId}`,
        ],
      );
      alongside?.(em);
      return rows;
    });
    if (ended?.just_finished && ended.seconds !== null && args.status !== 'SKIPPED')
      cordonMetrics.stepFinished(args.kind, args.status, ended.seconds);
    this.changed(tenantId, args.runId);
  }
}

/**
 * A run's line on its case's timeline, keyed so that a retried write adds nothing; none when the
 * run has no case or the data parameter is null. Parameters by position: tenant, run, kind, data
 * (jsonb text), key.
 */
function caseEventInsert(tenant: number, run: number, kind: number, data: number, key: number): string {
  return `INSERT INTO case_events (tenant_id, case_id, kind, actor, data, event_key)
       SELECT tenant_id, case_id, $${kind}::text, 'playbook:' || id, $${data}::jsonb, $${key}::text FROM playbook_runs
        WHERE tenant_id = $${tenant} AND id = $${run} AND case_id IS NOT NULL AND $${data}::jsonb IS NOT NULL
       ON CONFLICT (case_id, event_key) WHERE event_key IS NOT NULL DO NOTHING`;
}
