import { createBuiltinActions, type BuiltinAction } from '../src/activities/builtin-actions';
import type { AlertsService } from '../src/alerts/alerts.service';
import { CaseEventsPublisher } from '../src/cases/case-events.publisher';
import { CaseUpdatesService } from '../src/cases/case-updates.service';
import { CasesService } from '../src/cases/cases.service';
import { EventBus } from '../src/events/event-bus';
import { migratedDatabase, type MigratedDatabase } from './support/database';

/**
 * The `case.add_comment` built-in on a real database (PostgreSQL with DATABASE_URL, else PGlite).
 * Temporal retries an activity whose completion it never heard of, even when its insert had
 * committed: the retry must find the comment already there rather than post it again.
 */
describe('case.add_comment, retried', () => {
  let m: MigratedDatabase;
  let cases: CasesService;
  let addComment: BuiltinAction;
  let tenantId: string;
  let caseId: string;

  beforeAll(async () => {
    m = await migratedDatabase();
    const publisher = new CaseEventsPublisher(new EventBus());
    cases = new CasesService(m.db, publisher);
    addComment = createBuiltinActions({
      cases,
      caseUpdates: new CaseUpdatesService(m.db, publisher),
      // Not reached by case.add_comment.
      alerts: undefined as unknown as AlertsService,
    })['case.add_comment'];
    tenantId = await m.newTenant();
    caseId = await m.db.run(tenantId, async (em) => {
      const row = await cases.open(em, tenantId, {
        title: 'Ransomware on host-7',
        severity: 'HIGH',
        detectedAt: null,
        actor: 'system',
      });
      return row.id;
    });
  });

  afterAll(() => m?.close());

  const comments = async () =>
    (await cases.timeline(tenantId, caseId))
      .filter((e) => e.kind === 'COMMENT')
      .map((e) => ({ actor: e.actor, body: e.data.body }));
  const call = (runId: string, stepId: string, text: string) =>
    addComment({ tenantId, runId, stepId, caseId, input: { text } });

  it('posts once for a run step however often the activity runs, and once per foreach item', async () => {
    const run = '6f1c2c4e-8d0a-4a57-9b51-1d1f0f0e0a01';
    const first = await call(run, 'note', 'Host isolated');
    // The retry: same run and step, a later attempt.
    const retried = await call(run, 'note', 'Host isolated');
    expect(retried).toEqual(first);
    expect(await comments()).toEqual([{ actor: `playbook:${run}`, body: 'Host isolated' }]);

    await call(run, 'per-host[0]', 'host-7 checked');
    await call(run, 'per-host[1]', 'host-8 checked');
    await call(run, 'per-host[1]', 'host-8 checked');
    expect((await comments()).map((c) => c.body)).toEqual([
      'Host isolated',
      'host-7 checked',
      'host-8 checked',
    ]);
  });

  it('still posts for another run of the same playbook step', async () => {
    await call('6f1c2c4e-8d0a-4a57-9b51-1d1f0f0e0a02', 'note', 'Host isolated');
    expect((await comments()).filter((c) => c.body === 'Host isolated')).toHaveLength(2);
  });
});
