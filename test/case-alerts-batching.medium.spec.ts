import type { Logger } from 'typeorm';
import type { Principal } from '../src/auth/principal';
import { AlertsService } from '../src/alerts/alerts.service';
import { CaseAlertsResolver } from '../src/alerts/alerts.resolver';
import type { AlertInput } from '../src/alerts/dto/alert.input';
import { CasesService } from '../src/cases/cases.service';
import { CaseEventsPublisher } from '../src/cases/case-events.publisher';
import { EventBus } from '../src/events/event-bus';
import { PlaybooksService } from '../src/playbooks/playbooks.service';
import { RunsService } from '../src/runs/runs.service';
import { RunDispatcher } from '../src/runs/run-dispatcher';
import type { TemporalClientService } from '../src/temporal/temporal-client.service';
import { migratedDatabase, type MigratedDatabase } from './support/database';

/** Counts the SQL statements the app sends, to prove `cases { alerts { observables } }` is not N+1. */
class CountingLogger implements Logger {
  statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

describe('a page of 50 cases with their alerts and observables', () => {
  const logger = new CountingLogger();
  let m: MigratedDatabase;
  let alerts: AlertsService;
  let cases: CasesService;

  beforeAll(async () => {
    m = await migratedDatabase({ logger, logging: ['query'] });
    const events = new EventBus();
    const publisher = new CaseEventsPublisher(events);
    cases = new CasesService(m.db, publisher);
    const playbooks = new PlaybooksService(m.db);
    const dispatcher = new RunDispatcher(
      m.db,
      undefined as unknown as TemporalClientService,
      playbooks,
      undefined as never,
    );
    alerts = new AlertsService(m.db, new RunsService(m.db, playbooks), dispatcher, events);
  });

  afterAll(() => m?.close());

  it('loads with a fixed number of queries, not one per case', async () => {
    const tenantId = await m.newTenant();
    const p: Principal = {
      kind: 'apiKey',
      actorId: 'apikey:t',
      name: 't',
      tenantId,
      role: 'viewer',
      providerAdmin: false,
    };
    const inputs: AlertInput[] = [];
    for (let i = 0; i < 50; i++) {
      for (const n of [1, 2]) {
        inputs.push({
          source: 'edr',
          sourceRef: `q-${i}-${n}`,
          title: `Alert ${i}/${n}`,
          severity: 'LOW',
          observables: [
            { type: 'HOSTNAME', value: `HOST-${i}` },
            { type: 'IP', value: `192.0.2.${n}` },
          ],
        });
      }
    }
    await alerts.ingest(p, inputs);
    const page = await cases.list(tenantId, { first: 50 });
    expect(page.edges).toHaveLength(50);

    const resolver = new CaseAlertsResolver(alerts);
    const ctx = {};
    logger.statements = [];
    // GraphQL resolves the field for every case of the page before any of them returns.
    const results = await Promise.all(page.edges.map((e) => resolver.alerts(p, e.node, { first: 10 }, ctx)));
    const touching = logger.statements.filter((q) => /\b(alerts|observables)\b/i.test(q));
    expect(touching).toHaveLength(3);
    expect(logger.statements.length).toBeLessThanOrEqual(6); // plus BEGIN, set_config, COMMIT
    for (const r of results) {
      expect(r.totalCount).toBe(2);
      expect(r.edges).toHaveLength(2);
      for (const e of r.edges) expect(e.node.observables).toHaveLength(2);
    }
    expect(results[0].edges[0].node.caseId).toBe(page.edges[0].node.id);

    // The same field without batching would cost several queries per case.
    logger.statements = [];
    await Promise.all(
      page.edges.slice(0, 5).map((e) => alerts.list(tenantId, { first: 10, caseId: e.node.id })),
    );
    expect(
      logger.statements.filter((q) => /\b(alerts|observables)\b/i.test(q)).length,
    ).toBeGreaterThanOrEqual(10);
  });
});
