import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { createActionActivities } from '../activities/action.activities';
import { createRunActivities } from '../activities/run.activities';
import { ApprovalsProjection } from '../approvals/approvals-projection.service';
import { CasesService } from '../cases/cases.service';
import { CaseUpdatesService } from '../cases/case-updates.service';
import { AlertsService } from '../alerts/alerts.service';
import { DryRunFakes } from '../activities/dry-run-fakes';
import { IntegrationsService } from '../integrations/integrations.service';
import { RunLauncher } from '../runs/run-launcher.service';
import { ConnectionsService } from '../integrations/connections.service';
import { RunsProjection } from '../runs/runs-projection.service';
import { AuditWriter } from '../audit/audit-writer';
import { TEMPORAL_ENDPOINT, type TemporalEndpoint } from './temporal-endpoint';
import { TemporalClientService } from './temporal-client.service';
import { TenantDb } from '../database/tenant-db';
import type { EncryptionCodec } from './codec/payload-codec';
import { PAYLOAD_CODEC } from './codec/payload-codec.provider';
import { cordonDataConverter } from './codec/data-converter';
import { SHARED_WORKFLOW_MODULES, workflowBundlePath } from './workflow-bundle';
import { activeTracing } from '../tracing/tracing';
import { observeWorker, retryMetricsInterceptor } from '../metrics/worker.metrics';
import {
  activityTracingInterceptors,
  WORKFLOW_TRACING_MODULE,
  workflowTracingSinks,
} from '../tracing/temporal-tracing';

/**
 * Runs the Temporal worker inside the Nest process so activities get the app's services.
 * Shutdown stops polling and waits for in-flight activities (up to the grace period).
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerService.name);
  private worker?: Worker;
  private running?: Promise<void>;
  private dryRunFakes?: DryRunFakes;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TEMPORAL_ENDPOINT) private readonly endpoint: TemporalEndpoint,
    @Inject(PAYLOAD_CODEC) private readonly codec: EncryptionCodec,
    private readonly connections: ConnectionsService,
    private readonly cases: CasesService,
    private readonly caseUpdates: CaseUpdatesService,
    private readonly alerts: AlertsService,
    private readonly integrations: IntegrationsService,
    private readonly launcher: RunLauncher,
    private readonly runs: RunsProjection,
    private readonly approvals: ApprovalsProjection,
    private readonly audit: AuditWriter,
    private readonly temporal: TemporalClientService,
    private readonly db: TenantDb,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const bundle = workflowBundlePath();
    // The prebuilt bundle has no tracing interceptor (it costs memory in every workflow): with
    // tracing on, or without a build, the workflows are bundled here, with it if tracing is on.
    const traced = activeTracing() !== undefined;
    const prebuilt = !traced && fs.existsSync(bundle);
    const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> = prebuilt
      ? { workflowBundle: { codePath: bundle } }
      : {
          workflowsPath: path.resolve(__dirname, '../workflows'),
          bundlerOptions: { preloadModules: SHARED_WORKFLOW_MODULES },
        };
    this.worker = await Worker.create({
      // The client's connection: runs this process starts come to this worker eagerly.
      connection: this.temporal.connection,
      namespace: this.endpoint.namespace,
      taskQueue: this.endpoint.taskQueue,
      ...workflows,
      // Same codec as the API's client: what either writes, the other reads (issue 7).
      dataConverter: cordonDataConverter(this.codec),
      activities: {
        ...createRunActivities({ runs: this.runs, approvals: this.approvals, launcher: this.launcher }),
        ...createActionActivities({
          db: this.db,
          connections: this.connections,
          cases: this.cases,
          caseUpdates: this.caseUpdates,
          alerts: this.alerts,
          projection: this.runs,
          dryRunFakes: (this.dryRunFakes = new DryRunFakes(this.integrations)),
          audit: this.audit,
        }),
      },
      interceptors: {
        activity: [retryMetricsInterceptor, ...activityTracingInterceptors()],
        ...(traced ? { workflowModules: [WORKFLOW_TRACING_MODULE] } : {}),
      },
      sinks: workflowTracingSinks(),
      maxCachedWorkflows: this.config.temporal.maxCachedWorkflows,
      shutdownGraceTime: this.config.shutdownGraceMs,
    });
    const worker = this.worker;
    observeWorker(() => (worker.getState() === 'RUNNING' ? worker.getStatus() : undefined));
    this.running = this.worker.run().catch((err: unknown) => {
      // A worker that dies must take the process with it, or runs would silently stall.
      this.logger.fatal({ err }, 'Temporal worker stopped unexpectedly');
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
    this.logger.log(
      `worker polling task queue "${this.endpoint.taskQueue}" in namespace "${this.endpoint.namespace}"`,
    );
  }

  /** Runs before any module closes its resources: in-flight activities still have the database. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
    await this.dryRunFakes?.stop();
  }
}
