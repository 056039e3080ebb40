import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db';
import { EventBus, type DomainEvent } from '../events/event-bus';
import { PlaybooksService } from '../playbooks/playbooks.service';
import { RunDispatcher } from './run-dispatcher';
import { RunsService } from './runs.service';

/**
 * Starts the playbooks whose trigger is `case.created` or `case.updated`, after the change
 * commits, in the process where it happened. Unlike alert triggers (queued in the ingest
 * transaction) a crash between a case change and this is not recovered: the change stands and
 * its trigger is lost — the price of keeping the case services free of playbook concerns.
 */
@Injectable()
export class CaseTriggers implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CaseTriggers.name);
  private stop?: () => void;

  constructor(
    private readonly db: TenantDb,
    private readonly events: EventBus,
    private readonly runs: RunsService,
    private readonly dispatcher: RunDispatcher,
    private readonly playbooks: PlaybooksService,
  ) {}

  onModuleInit(): void {
    this.stop = this.events.listen((e) => void this.onEvent(e));
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  private async onEvent(e: DomainEvent): Promise<void> {
    if (e.type !== 'case.updated') return;
    const eventName = e.created ? 'case.created' : 'case.updated';
    try {
      // Most tenants' playbooks listen to no case event, and most case events trigger nothing:
      // both are told from the cached playbooks, before any work or transaction.
      if (!(await this.playbooks.listensTo(e.tenantId, eventName))) return;
      const kase = JSON.parse(JSON.stringify(e.case)) as Record<string, unknown> & { id: string };
      const versions = await this.playbooks.triggeredBy(e.tenantId, eventName, kase);
      if (!versions.length) return;
      const runs = await this.db.run(e.tenantId, (em) =>
        this.runs.queueForCase(em, e.tenantId, eventName, kase, versions),
      );
      this.dispatcher.dispatchInBackground(runs);
    } catch (err) {
      this.logger.warn(
        { caseId: e.case.id, err: (err as Error).message },
        `could not start ${eventName} playbooks`,
      );
    }
  }
}
