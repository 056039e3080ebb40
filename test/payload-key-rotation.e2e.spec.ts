import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { derivePayloadKey } from '../src/temporal/codec/payload-keys';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { eventually, graphqlClient } from './support/graphql-client';
import { payloadsIn, workflowHistoryJson } from './support/histories';

/**
 * Rotating the master key must not strand runs in flight: a run that started under the old key
 * waits on an approval across a restart with a new CORDON_MASTER_KEY (the old one in
 * CORDON_MASTER_KEY_PREVIOUS), then finishes. Its history holds payloads sealed under both keys.
 */
const ADMIN_KEY = 'cdn_e2e_payload_rotation_0123456789ab';
const OLD_KEY = Buffer.alloc(32, 0xa1).toString('base64');
const NEW_KEY = Buffer.alloc(32, 0xb2).toString('base64');

describe('payload key rotation', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let cordon: CordonProcess | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-keyrot-'));

  beforeAll(async () => {
    db = await testDatabase();
  });

  afterAll(async () => {
    await cordon?.stop();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string>) =>
    startCordon({ dataDir, env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url, ...env } });

  it('finishes a run begun under the old key, sealing what comes after under the new one', async () => {
    cordon = await start({ CORDON_MASTER_KEY: OLD_KEY });
    let gql = graphqlClient(cordon.graphqlUrl);
    const responder = (
      await gql(`mutation { createApiKey(input: { name: "r", role: RESPONDER }) { secret } }`, {}, ADMIN_KEY)
    ).data.createApiKey.secret as string;
    const saved = await gql(
      `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`,
      {
        input: {
          source: `
id: payload-rotation
name: Payload rotation
trigger: { event: manual }
steps:
  - id: ask
    approval: { prompt: 'Go on after the rotation?', timeout: 1h }
  - id: after
    set: { decision: '{{ steps.ask.decision }}' }
`,
        },
      },
      ADMIN_KEY,
    );
    expect(saved.errors).toBeUndefined();
    const started = await gql(
      `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id } } }`,
      { input: { playbookId: 'payload-rotation' } },
      ADMIN_KEY,
    );
    expect(started.errors).toBeUndefined();
    const runId = started.data.runPlaybook.run.id as string;
    const pending = `{ approvals(filter: { status: PENDING }) { edges { node { id runId } } } }`;
    const approval = await eventually(async () => {
      const edges = (await gql(pending, {}, responder)).data.approvals.edges as {
        node: { id: string; runId: string };
      }[];
      return edges.find((e) => e.node.runId === runId)?.node;
    }, 'the approval');

    expect(await cordon.stop()).toBe(0);
    cordon = await start({ CORDON_MASTER_KEY: NEW_KEY, CORDON_MASTER_KEY_PREVIOUS: OLD_KEY });
    gql = graphqlClient(cordon.graphqlUrl);
    const decided = await gql(
      `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { status } }`,
      { i: { approvalId: approval.id, decision: 'APPROVE' } },
      responder,
    );
    expect(decided.errors).toBeUndefined();
    const done = await eventually(async () => {
      const run = (
        await gql(
          `query($id: ID!) { playbookRun(id: $id) { status workflowId steps { stepId output } } }`,
          { id: runId },
          responder,
        )
      ).data.playbookRun;
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) ? run : undefined;
    }, 'the run to finish');
    expect(done.status).toBe('SUCCEEDED');
    expect(done.steps.find((s: { stepId: string }) => s.stepId === 'after')?.output).toEqual({
      decision: 'approved',
    });

    const keyIds = new Set(
      payloadsIn(JSON.parse(await workflowHistoryJson(done.workflowId, cordon.temporalAddress())))
        .filter((p) => p.encoding === 'binary/encrypted')
        .map((p) => Buffer.from(p.wire.metadata['encryption-key-id'], 'base64').toString()),
    );
    expect([...keyIds].sort()).toEqual(
      [
        derivePayloadKey(Buffer.from(OLD_KEY, 'base64')).id,
        derivePayloadKey(Buffer.from(NEW_KEY, 'base64')).id,
      ].sort(),
    );
  });
});
