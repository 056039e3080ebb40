import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db';
import { EventBus, type DomainEvent } from '../events/event-bus';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { runEventSignal } from '../workflows/messages';

/**
 * Tells the live runs of a case that the case changed, so a `wait: { event: case.updated }`
 * step can move on. Best effort by design: a run that is not waiting ignores the signal, and a
 * signal lost to a crash is what the wait's `timeout` is for.
 */
@Injectable()
export class RunSignals implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RunSignals.name);
  private stop?: () => void;

  constructor(
    private readonly db: TenantDb,
    private readonly events: EventBus,
    private readonly temporal: TemporalClientService,
  ) {}

  onModuleInit(): void {
    this.stop = this.events.listen((e) => void this.onEvent(e));
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  private async onEvent(e: DomainEvent): Promise<void> {
    if (e.type !== 'case.updated') return;
    try {
      const runs = await this.db.run(e.tenantId, (em) =>
        em.query<{ workflow_id: string }[]>(
          `SELECT workflow_id FROM playbook_runs
            WHERE tenant_id = $1 AND case_id = $2 AND status IN ('RUNNING', 'WAITING')`,
          [e.tenantId, e.case.id],
        ),
      );
      const data = JSON.parse(JSON.stringify(e.case)) as Record<string, unknown>;
      await Promise.all(
        runs.map((r) =>
          this.temporal.client.workflow
            .getHandle(r.workflow_id)
            .signal(runEventSignal, { event: 'case.updated', data })
            .catch((err: Error) =>
              this.logger.debug({ workflowId: r.workflow_id, err: err.message }, 'signal not delivered'),
            ),
        ),
      );
    } catch (err) {
      this.logger.warn(
        { caseId: e.case.id, err: (err as Error).message },
        'could not signal the case’s runs',
      );
    }
  }
}
