import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { isUuid } from '../common/ids';
import { TenantDb } from '../database/tenant-db';
import type { Principal } from '../auth/principal';
import { TemporalClientService } from '../temporal/temporal-client.service';
import type { PlaybookDefinition } from '../workflows/playbook.types';
import type { PlaybookRunResult } from '../workflows/run-input';
import { PlaybookRunEntity } from './entities/playbook-run.entity';
import { RunDispatcher } from './run-dispatcher';
import { PlaybooksService } from '../playbooks/playbooks.service';
import { runEvent } from './run-event';

export interface ManualRunRequest {
  playbookId: string;
  caseId?: string;
  alertId?: string;
  inputs?: Record<string, unknown>;
  dryRun?: boolean;
  /** Makes a retried request start the run once: the same id names the same run. */
  requestId?: string;
}

interface VersionRow {
  id: string;
  definition: PlaybookDefinition;
}

const DRY_RUN_WAIT_MS = 60_000;

/** Runs that do not come from an alert: started by a person, or by a parent playbook. */
@Injectable()
export class RunLauncher {
  constructor(
    private readonly db: TenantDb,
    private readonly temporal: TemporalClientService,
    private readonly dispatcher: RunDispatcher,
    private readonly playbooks: PlaybooksService,
  ) {}

  /** The version a new run of the playbook pins for this tenant (its saved override, else shipped). */
  async activeVersion(em: EntityManager, tenantId: string, playbookId: string): Promise<VersionRow> {
    const version = await this.playbooks.activeVersion(tenantId, playbookId, em);
    if (!version) throw new AppError('NOT_FOUND', `playbook "${playbookId}" not found`);
    return version;
  }

  /** Creates (or finds, on a retried activity) a child run's row; the parent's workflow starts it. */
  async prepareChild(args: {
    tenantId: string;
    parentRunId: string;
    parentWorkflowId: string;
    stepId: string;
    playbookId: string;
    caseId: string | null;
    requestedBy: string;
  }): Promise<{ runId: string; workflowId: string; versionId: string; definition: PlaybookDefinition }> {
    const workflowId = `${args.parentWorkflowId}/${args.stepId}`;
    return this.db.run(args.tenantId, async (em) => {
      const version = await this.activeVersion(em, args.tenantId, args.playbookId);
      await em.query(
        `INSERT INTO playbook_runs (tenant_id, playbook_id, playbook_version_id, workflow_id, case_id, trigger, requested_by, status, input, parent_run_id)
         VALUES ($1, $2, $3, $4, $5, 'playbook', $6, 'QUEUED', '{}', $7)
         ON CONFLICT (workflow_id) DO NOTHING`,
        [
          args.tenantId,
          args.playbookId,
          version.id,
          workflowId,
          args.caseId,
          args.requestedBy,
          args.parentRunId,
        ],
      );
      const [row] = await em.query<{ id: string; playbook_version_id: string }[]>(
        `SELECT id, playbook_version_id FROM playbook_runs WHERE tenant_id = $1 AND workflow_id = $2`,
        [args.tenantId, workflowId],
      );
      if (!row) throw new Error(`child run ${workflowId} vanished`);
      // A retry must pin what the first attempt pinned, even if a newer version was saved since.
      const pinned =
        row.playbook_version_id === version.id
          ? version
          : (
              await em.query<VersionRow[]>(`SELECT id, definition FROM playbook_versions WHERE id = $1`, [
                row.playbook_version_id,
              ])
            )[0];
      return { runId: row.id, workflowId, versionId: pinned.id, definition: pinned.definition };
    });
  }

  /** `runPlaybook`: queues and starts a manual run; a dry run also waits for what it would call. */
  async startManual(
    principal: Principal,
    req: ManualRunRequest,
  ): Promise<{ runId: string; result?: PlaybookRunResult }> {
    const { tenantId } = principal;
    for (const [field, id] of [
      ['caseId', req.caseId],
      ['alertId', req.alertId],
    ] as const) {
      if (id !== undefined && !isUuid(id)) throw new AppError('NOT_FOUND', `${field} ${id} not found`);
    }
    const requestKey = req.requestId ?? randomUUID();
    const kind = req.dryRun ? 'dry-run' : 'manual';
    const workflowId = `${tenantId}/${req.playbookId}/${kind}/${requestKey}`;
    const run = await this.db.run(tenantId, async (em) => {
      const version = await this.activeVersion(em, tenantId, req.playbookId);
      const trigger = version.definition.trigger.event;
      const event = await runEvent(em, tenantId, { caseId: req.caseId, alertId: req.alertId });
      if (trigger !== 'manual' && !event.alert && !event.case) {
        throw new AppError(
          'BAD_USER_INPUT',
          `playbook "${req.playbookId}" is triggered by ${trigger}: give the caseId or alertId it should run on`,
        );
      }
      const caseId = (event.case?.id as string | undefined) ?? null;
      await em.query(
        `INSERT INTO playbook_runs (tenant_id, playbook_id, playbook_version_id, workflow_id, case_id, alert_id, trigger, requested_by, status, input)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'QUEUED', $9)
         ON CONFLICT (workflow_id) DO NOTHING`,
        [
          tenantId,
          req.playbookId,
          version.id,
          workflowId,
          caseId,
          (event.alert?.id as string | undefined) ?? null,
          kind,
          principal.actorId,
          JSON.stringify({ event, inputs: req.inputs ?? {}, dryRun: req.dryRun === true }),
        ],
      );
      return em.findOneOrFail(PlaybookRunEntity, { where: { tenantId, workflowId } });
    });
    await this.dispatcher.startRun(run);
    if (!req.dryRun) return { runId: run.id };
    const handle = this.temporal.client.workflow.getHandle(workflowId);
    const result = await Promise.race([
      handle.result() as Promise<PlaybookRunResult>,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new AppError('UNAVAILABLE', `dry run ${run.id} did not finish within 60 s`)),
          DRY_RUN_WAIT_MS,
        ).unref(),
      ),
    ]);
    return { runId: run.id, result };
  }

  /** `cancelPlaybookRun`: asks the workflow to stop; it compensates and records CANCELLED itself. */
  async cancel(principal: Principal, runId: string, reason: string | undefined): Promise<PlaybookRunEntity> {
    const { tenantId } = principal;
    const run = isUuid(runId)
      ? await this.db.run(tenantId, (em) => em.findOne(PlaybookRunEntity, { where: { tenantId, id: runId } }))
      : null;
    if (!run) throw new AppError('NOT_FOUND', `playbook run ${runId} not found`);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status)) {
      throw new AppError('CONFLICT', `playbook run ${runId} has already ended (${run.status})`);
    }
    await this.db.run(tenantId, (em) =>
      em.update(
        PlaybookRunEntity,
        { tenantId, id: run.id },
        { cancelRequestedBy: principal.actorId, cancelReason: reason ?? null },
      ),
    );
    // A run not yet started must start before it can be cancelled: Temporal owns its ending.
    if (run.status === 'QUEUED') await this.dispatcher.startRun(run);
    await this.temporal.client.workflow.getHandle(run.workflowId).cancel();
    return run;
  }
}
