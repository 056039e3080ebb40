import { EventBus } from '../src/events/event-bus';
import { PlaybooksService } from '../src/playbooks/playbooks.service';
import { RunsProjection } from '../src/runs/runs-projection.service';
import { actionCatalogue } from '../src/playbooks/action-catalogue';
import { migratedDatabase, type MigratedDatabase } from './support/database';

const PLAYBOOK = `id: start-record
name: Start record
trigger: { event: manual }
steps:
  - id: done
    set: { ok: true }
`;

/**
 * A run's start is recorded by the dispatcher after Temporal accepted it, or by the workflow
 * itself: whichever lands, and in whichever order with the run's finish, the row ends up
 * finished, with its Temporal run id, started no later than it finished.
 */
describe('recording a run start', () => {
  let m: MigratedDatabase;
  let projection: RunsProjection;
  let playbooks: PlaybooksService;

  beforeAll(async () => {
    m = await migratedDatabase();
    projection = new RunsProjection(m.db, new EventBus());
    playbooks = new PlaybooksService(m.db, actionCatalogue([]));
  });

  afterAll(() => m?.close());

  async function queuedRun(tenantId: string): Promise<string> {
    const { version } = await playbooks.save(tenantId, PLAYBOOK);
    const [row] = await m.db.run(tenantId, (em) =>
      em.query<{ id: string }[]>(
        `INSERT INTO playbook_runs (tenant_id, playbook_id, playbook_version_id, workflow_id, trigger, requested_by, status)
         VALUES ($1, 'start-record', $2, $3, 'manual', 'test', 'QUEUED') RETURNING id`,
        [tenantId, version.id, `${tenantId}/start-record/${Math.random()}`],
      ),
    );
    return row.id;
  }

  const read = (tenantId: string, id: string) =>
    m.db.run(tenantId, async (em) => {
      const [row] = await em.query<
        {
          status: string;
          temporal_run_id: string | null;
          started_at: Date | null;
          finished_at: Date | null;
        }[]
      >(`SELECT status, temporal_run_id, started_at, finished_at FROM playbook_runs WHERE id = $1`, [id]);
      return row;
    });

  it('records the start of a queued run once, and a repeat changes nothing', async () => {
    const tenantId = await m.newTenant();
    const id = await queuedRun(tenantId);
    await projection.markStarted(tenantId, id, 'temporal-run-1');
    const first = await read(tenantId, id);
    expect(first).toMatchObject({ status: 'RUNNING', temporal_run_id: 'temporal-run-1' });
    await projection.markStarted(tenantId, id, 'temporal-run-1');
    expect(await read(tenantId, id)).toEqual(first);
  });

  it('gives a run that finished before its start was recorded a start no later than its finish', async () => {
    const tenantId = await m.newTenant();
    const id = await queuedRun(tenantId);
    await projection.finish(tenantId, id, 'SUCCEEDED', undefined, 'temporal-run-2');
    const finished = await read(tenantId, id);
    expect(finished).toMatchObject({ status: 'SUCCEEDED', temporal_run_id: 'temporal-run-2' });
    expect(finished.started_at).toEqual(finished.finished_at);
    // The dispatcher's record, arriving late, changes nothing.
    await projection.markStarted(tenantId, id, 'temporal-run-2');
    expect(await read(tenantId, id)).toEqual(finished);
  });

  it('lets a late start record fill in the run id a finish did not give', async () => {
    const tenantId = await m.newTenant();
    const id = await queuedRun(tenantId);
    await projection.finish(tenantId, id, 'FAILED', { message: 'boom' });
    await projection.markStarted(tenantId, id, 'temporal-run-3');
    const row = await read(tenantId, id);
    expect(row).toMatchObject({ status: 'FAILED', temporal_run_id: 'temporal-run-3' });
    expect(row.started_at!.getTime()).toBeLessThanOrEqual(row.finished_at!.getTime());
  });

  it("lets a last step's success end an open run, but never overwrite an end already recorded", async () => {
    const tenantId = await m.newTenant();
    const open = await queuedRun(tenantId);
    await projection.markStarted(tenantId, open, 'temporal-run-4');
    await projection.finish(tenantId, open, 'SUCCEEDED', undefined, 'temporal-run-4', true);
    const ended = await read(tenantId, open);
    expect(ended).toMatchObject({ status: 'SUCCEEDED', temporal_run_id: 'temporal-run-4' });
    // A retried step's activity finishing it again changes nothing.
    await projection.finish(tenantId, open, 'SUCCEEDED', undefined, 'temporal-run-4', true);
    expect(await read(tenantId, open)).toEqual(ended);

    // The workflow recorded a cancellation while the step was being cut; the step's late success stays out.
    const cancelled = await queuedRun(tenantId);
    await projection.finish(tenantId, cancelled, 'CANCELLED', undefined, 'temporal-run-5');
    const before = await read(tenantId, cancelled);
    await projection.finish(tenantId, cancelled, 'SUCCEEDED', undefined, 'temporal-run-5', true);
    expect(await read(tenantId, cancelled)).toEqual(before);
    expect(before.status).toBe('CANCELLED');
  });
});
