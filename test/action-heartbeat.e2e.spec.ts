import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createFalconFake, type FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { connect } from './support/fakes';
import { eventually, graphqlClient } from './support/graphql-client';

const ADMIN_KEY = 'cdn_e2e_heartbeat_admin_key_0123456789';

/**
 * A vendor call in flight keeps its activity alive by heartbeats (on the built server, real
 * Temporal and database): the Falcon API answers only once Temporal has recorded a heartbeat
 * for the attempt that is waiting on it. An activity that beat only when an action asked it to
 * would never be seen alive here, and a dead worker would be noticed only at startToClose.
 */
describe('action activity heartbeats while the vendor call is in flight', () => {
  let falcon: FalconFake;
  let gate: http.Server;
  let gateUrl: string;
  let held: { since: number; release: () => void } | null = null;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'falcon-id', clientSecret: 'falcon-secret' });
    await falcon.start(0);
    // Between Cordon and the fake: holds the first device lookup until the test lets it through.
    gate = http.createServer((req, res) => {
      const forward = () => {
        const upstream = http.request(
          `${falcon.url}${req.url ?? '/'}`,
          { method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      };
      if (!held && req.url?.startsWith('/devices/')) {
        let released = false;
        const release = () => {
          if (!released) forward();
          released = true;
        };
        held = { since: Date.now(), release };
      } else forward();
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    gateUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}`;
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    gql = graphqlClient(cordon.graphqlUrl);
    await connect(
      gql,
      ADMIN_KEY,
      {
        integrationId: 'crowdstrike-falcon',
        name: 'falcon',
        settings: { baseUrl: gateUrl },
        secrets: { clientId: 'falcon-id', clientSecret: 'falcon-secret' },
      },
      ['edr'],
    );
  });

  afterAll(async () => {
    held?.release();
    await cordon?.stop();
    await new Promise((resolve) => gate?.close(resolve));
    await falcon?.stop();
    await db?.drop();
  });

  it('is seen alive by Temporal while Falcon has not answered, then completes', async () => {
    const saved = await gql(
      `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`,
      {
        input: {
          source: [
            'id: slow-lookup',
            'name: Look a host up at a slow vendor',
            'trigger: { event: manual }',
            'steps:',
            '  - id: host',
            '    action: edr.find_host',
            '    with: { hostname: WS-01 }',
          ].join('\n'),
        },
      },
      ADMIN_KEY,
    );
    expect(saved.errors).toBeUndefined();
    const started = await gql(
      `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id workflowId } } }`,
      { input: { playbookId: 'slow-lookup' } },
      ADMIN_KEY,
    );
    expect(started.errors).toBeUndefined();
    const run = started.data.runPlaybook.run as { id: string; workflowId: string };

    const hold = await eventually(async () => held ?? undefined, 'the device lookup to reach the gate');
    const connection = await Connection.connect({ address: cordon.temporalAddress()! });
    try {
      const handle = new Client({ connection }).workflow.getHandle(run.workflowId);
      // Well inside the HTTP client's 15 s per-request timeout: beats come every 10 s (30 s / 3).
      const beat = await eventually(
        async () => {
          const activity = (await handle.describe()).raw.pendingActivities?.[0];
          const at = activity?.lastHeartbeatTime?.seconds;
          return at && Number(at) * 1000 >= hold.since - 1000 ? activity : undefined;
        },
        'a heartbeat while the vendor call is held',
        14_000,
      );
      expect(beat.activityType?.name).toBe('runAction');
      expect(beat.attempt).toBe(1);
    } finally {
      hold.release();
      await connection.close();
    }

    const done = await eventually(async () => {
      const res = await gql(
        `query($id: ID!) { playbookRun(id: $id) { status steps { stepId status attempts output } } }`,
        { id: run.id },
        ADMIN_KEY,
      );
      const r = res.data?.playbookRun;
      return r && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status) ? r : undefined;
    }, 'the run to finish');
    expect(done.status).toBe('SUCCEEDED');
    expect(done.steps).toEqual([
      expect.objectContaining({ stepId: 'host', status: 'SUCCEEDED', attempts: 1 }),
    ]);
  });
});
