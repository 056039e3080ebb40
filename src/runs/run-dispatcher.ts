import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TenantDb } from '../database/tenant-db';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { PlaybooksService } from '../playbooks/playbooks.service';
import type { PlaybookRunInput } from '../workflows/run-input';
import type { PlaybookDefinition } from '../workflows/playbook.types';
import { renderRunInputs } from '../workflows/run-inputs';
import { PlaybookRunEntity } from './entities/playbook-run.entity';
import { RunsProjection } from './runs-projection.service';

/** What starting a run needs: its row as queued (a PlaybookRunEntity is one). */
export type QueuedRun = Pick<
  PlaybookRunEntity,
  'id' | 'tenantId' | 'playbookId' | 'playbookVersionId' | 'workflowId' | 'caseId' | 'requestedBy' | 'input'
>;

const SWEEP_EVERY_MS = 10_000;
const STALE_AFTER_MS = 15_000;
const START_CONCURRENCY = 8;

/**
 * Gets queued runs to Temporal. Called right after the transaction that queued them commits,
 * and by a periodic sweep for any start that failed (Temporal briefly down, process killed
 * between commit and start). Deterministic workflow ids make a repeated start harmless.
 */
@Injectable()
export class RunDispatcher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunDispatcher.name);
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly db: TenantDb,
    private readonly temporal: TemporalClientService,
    private readonly playbooks: PlaybooksService,
    private readonly projection: RunsProjection,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // Let starts under way finish; anything not started stays QUEUED for the next process.
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Starts the runs just queued (as the committed transaction wrote them, so they need not be
   * read again) without holding up the caller: an ingest answers once its data is committed.
   * A few at a time; failures stay QUEUED for the sweep.
   */
  dispatchInBackground(runs: QueuedRun[]): void {
    if (!runs.length) return;
    const task = this.dispatch(runs).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  async dispatch(runs: QueuedRun[]): Promise<void> {
    // A few starts at a time: one after another, a burst of alerts waits on round trips.
    let next = 0;
    const lane = async () => {
      while (next < runs.length) {
        const run = runs[next++];
        try {
          await this.startRun(run);
        } catch (err) {
          // Left QUEUED: the sweep retries. Ingestion has already succeeded and must say so.
          this.logger.warn(
            { runId: run.id, err: (err as Error).message },
            'could not start a queued run; will retry',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(START_CONCURRENCY, runs.length) }, lane));
  }

  /** Starts a queued run's workflow; a run already started is left alone. */
  async startRun(run: QueuedRun): Promise<void> {
    const version = await this.playbooks.version(run.playbookVersionId);
    const stored = run.input as Pick<PlaybookRunInput, 'event' | 'inputs' | 'dryRun'>;
    const renderedInputs = await this.renderInputs(version.definition, stored);
    const input: PlaybookRunInput = {
      runId: run.id,
      tenantId: run.tenantId,
      playbookId: run.playbookId,
      versionId: version.id,
      definition: version.definition,
      event: stored.event,
      caseId: run.caseId,
      requestedBy: run.requestedBy,
      ...(stored.inputs ? { inputs: stored.inputs } : {}),
      ...(renderedInputs && Object.keys(renderedInputs).length ? { renderedInputs } : {}),
      ...(stored.dryRun ? { dryRun: true } : {}),
      startRecorded: true,
    };
    const tags = this.temporal.registeredSearchAttributes;
    const searchAttributes: Record<string, string[]> = {};
    if (tags.has('TenantId')) searchAttributes.TenantId = [run.tenantId];
    if (tags.has('PlaybookId')) searchAttributes.PlaybookId = [run.playbookId];
    if (tags.has('CaseId') && run.caseId) searchAttributes.CaseId = [run.caseId];
    let temporalRunId: string;
    try {
      const handle = await this.temporal.client.workflow.start('playbookRunWorkflow', {
        taskQueue: this.temporal.endpoint.taskQueue,
        workflowId: run.workflowId,
        args: [input],
        searchAttributes,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // With a worker in this process, its first workflow task comes back with the start.
        requestEagerStart: true,
      });
      temporalRunId = handle.firstExecutionRunId;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Started before, its start perhaps never recorded (a process killed in between): the
      // sweep found it QUEUED. Recording it again is harmless.
      temporalRunId = (await this.temporal.client.workflow.getHandle(run.workflowId).describe()).runId;
    }
    // The run was told not to record its start (startRecorded); until this lands it reads QUEUED,
    // and if it never does, the sweep comes back here.
    await this.projection.markStarted(run.tenantId, run.id, temporalRunId);
  }

  /**
   * The run's inputs rendered here, where JSONata runs at full speed, from the event as the
   * workflow will receive it (JSON: a Date the run would see as text is text here too). A template
   * that fails is left for the run to render and report.
   */
  private async renderInputs(
    definition: PlaybookDefinition,
    stored: Pick<PlaybookRunInput, 'event' | 'inputs'>,
  ): Promise<Record<string, unknown> | undefined> {
    if (!definition.inputs) return undefined;
    const asSent = JSON.parse(JSON.stringify(stored)) as typeof stored;
    return renderRunInputs({ ...asSent, definition }).catch(() => undefined);
  }

  /** Restarts runs that stayed QUEUED: across tenants, so it reads without a tenant scope. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const stale = await this.db.system((em) =>
        em
          .createQueryBuilder(PlaybookRunEntity, 'r')
          .where(`r.status = 'QUEUED'`)
          // A child run is started by its parent's workflow, never from here.
          .andWhere(`r.trigger <> 'playbook'`)
          .andWhere('r.created_at < :before', { before: new Date(Date.now() - STALE_AFTER_MS) })
          .orderBy('r.created_at', 'ASC')
          .take(100)
          .getMany(),
      );
      for (const run of stale) {
        await this.startRun(run).catch((err: Error) =>
          this.logger.warn({ runId: run.id, err: err.message }, 'retry start failed'),
        );
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'queued-run sweep failed');
    } finally {
      this.sweeping = false;
    }
  }
}
