import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createFalconFake, type FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { connect } from './support/fakes';
import { eventually, graphqlClient } from './support/graphql-client';

const ADMIN_KEY = 'cdn_e2e_heartbeat_admin_key_0123456789';

/**
 * A slow vendor call (on the built server, real Temporal and database). Its first attempt runs
 * as a local activity inside the workflow task and is cut at 5 s; the step carries on as a
 * regular activity, which keeps itself alive by heartbeats: the Falcon API answers only once
 * Temporal has recorded a heartbeat for the attempt that is waiting on it. An activity that beat
 * only when an action asked it to would never be seen alive here, and a dead worker would be
 * noticed only at startToClose.
 */
describe('a slow vendor call moves to a regular activity, which heartbeats while it waits', () => {
  let falcon: FalconFake;
  let gate: http.Server;
  let gateUrl: string;
  type Held = { since: number; release: () => void; abandoned: boolean };
  const held: Held[] = [];
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'falcon-id', clientSecret: 'falcon-secret' });
    await falcon.start(0);
    // Between Cordon and the fake: holds the first two device lookups until the test lets them through.
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
      if (held.length < 2 && req.url?.startsWith('/devices/')) {
        let released = false;
        const hold: Held = {
          since: Date.now(),
          abandoned: false,
          release: () => {
            if (!released && !hold.abandoned) forward();
            released = true;
          },
        };
        // Cordon gave up on the request before it was answered.
        res.on('close', () => (hold.abandoned ||= !released));
        held.push(hold);
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
    for (const hold of held) hold.release();
    await cordon?.stop();
    await new Promise((resolve) => gate?.close(resolve));
    await falcon?.stop();
    await db?.drop();
  });

  it('is cut locally at 5 s, then seen alive by Temporal while Falcon has not answered, and completes', async () => {
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

    await eventually(async () => held[0], 'the local attempt to reach the gate');
    const hold = await eventually(async () => held[1], 'the regular attempt to reach the gate', 15_000);
    // The local attempt was cut at its bound, not answered.
    expect(held[0].abandoned).toBe(true);
    expect(hold.since - held[0].since).toBeGreaterThanOrEqual(4_500);
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
    // The local attempt and the regular one.
    expect(done.steps).toEqual([
      expect.objectContaining({ stepId: 'host', status: 'SUCCEEDED', attempts: 2 }),
    ]);
    try {
      const events =
        (await new Client({ connection }).workflow.getHandle(run.workflowId).fetchHistory()).events ?? [];
      expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(1);
      // The local attempt never held the workflow task past its timeout.
      expect(events.filter((e) => e.workflowTaskTimedOutEventAttributes)).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});
