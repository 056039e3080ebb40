import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db';
import { EventBus, type DomainEvent } from '../events/event-bus';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { runEventSignal } from '../workflows/messages';
import { waitsForEvents } from '../workflows/playbook.types';
import { PlaybooksService } from '../playbooks/playbooks.service';

/**
 * Tells the live runs of a case that the case changed, so a `wait: { event: case.updated }`
 * step can move on; a run whose pinned version has no such step hears nothing. Best effort by
 * design: a run that is not waiting ignores the signal, and a signal lost to a crash is what the
 * wait's `timeout` is for. The case events of one turn of the event loop are looked up together:
 * an ingest of 500 alerts touches hundreds of cases, and one query per tenant finds their live
 * runs (one per case was most of that ingest's transactions).
 */
type CaseChange = Extract<DomainEvent, { type: 'case.updated' }>['case'];

@Injectable()
export class RunSignals implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RunSignals.name);
  private stop?: () => void;
  /** Per tenant, per case, the changes heard this turn, in order. */
  private pending = new Map<string, Map<string, CaseChange[]>>();

  constructor(
    private readonly db: TenantDb,
    private readonly events: EventBus,
    private readonly temporal: TemporalClientService,
    private readonly playbooks: PlaybooksService,
  ) {}

  onModuleInit(): void {
    this.stop = this.events.listen((e) => this.onEvent(e));
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  private onEvent(e: DomainEvent): void {
    // A case that this change opened has no live run yet: its runs were queued in the same
    // transaction and wait for no change that came before them. Looking them up would cost an
    // ingest a transaction per batch, and a run started fast enough would hear its own case's
    // opening as if the case had changed while it waited.
    if (e.type !== 'case.updated' || e.created) return;
    if (this.pending.size === 0) setImmediate(() => void this.flush());
    let cases = this.pending.get(e.tenantId);
    if (!cases) this.pending.set(e.tenantId, (cases = new Map()));
    // Kept as published (events are not changed after): most cases have no live run, and only
    // what a run receives is turned into its JSON form.
    const changes = cases.get(e.case.id);
    if (changes) changes.push(e.case);
    else cases.set(e.case.id, [e.case]);
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    await Promise.all([...batch].map(([tenantId, cases]) => this.signal(tenantId, cases)));
  }

  private async signal(tenantId: string, cases: Map<string, CaseChange[]>): Promise<void> {
    try {
      const live = await this.db.run(tenantId, (em) =>
        em.query<{ workflow_id: string; case_id: string; playbook_version_id: string }[]>(
          `SELECT workflow_id, case_id, playbook_version_id FROM playbook_runs
            WHERE tenant_id = $1 AND case_id = ANY($2::uuid[]) AND status IN ('RUNNING', 'WAITING')`,
          [tenantId, [...cases.keys()]],
        ),
      );
      // A signal is a history event and a workflow task: only for runs whose pinned version waits.
      const runs = [];
      for (const r of live)
        if (waitsForEvents((await this.playbooks.version(r.playbook_version_id)).definition.steps))
          runs.push(r);
      await Promise.all(
        runs.map(async (r) => {
          const handle = this.temporal.client.workflow.getHandle(r.workflow_id);
          // Each change in the order it happened: a wait's `when` may look for a passing state.
          for (const change of cases.get(r.case_id) ?? []) {
            const data = JSON.parse(JSON.stringify(change)) as Record<string, unknown>;
            await handle
              .signal(runEventSignal, { event: 'case.updated', data })
              .catch((err: Error) =>
                this.logger.debug({ workflowId: r.workflow_id, err: err.message }, 'signal not delivered'),
              );
          }
        }),
      );
    } catch (err) {
      this.logger.warn(
        { caseIds: [...cases.keys()], err: (err as Error).message },
        'could not signal the cases’ runs',
      );
    }
  }
}
