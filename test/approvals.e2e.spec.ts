import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createFalconFake, type FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { errorCodes, eventually, graphqlClient } from './support/graphql-client';
import { recordHistory } from './support/histories';
import { manualContainPlaybook } from '../src/playbooks/testing/playbook-samples';

/**
 * Human in the loop on the built server, real Temporal and a real database: quorum and four
 * eyes, timeouts (reject, approve, escalation over two levels), a race between two deciders,
 * bulk decisions, the decider's context, the timeline, and the approvalRequested subscription.
 */
const ADMIN_KEY = 'cdn_e2e_approvals_admin_0123456789ab';

const SAVE = `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`;
const RUN_PLAYBOOK = `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id } } }`;
const RUN = `query($id: ID!) { playbookRun(id: $id) { id workflowId status error steps { stepId status output } } }`;
const APPROVAL_FIELDS = `id runId caseId status level quorum rejectQuorum prompt context caseSummary expiresAt
  approvers outcomes { onApprove onReject onTimeout } decisions { actorId actorName decision comment channel }
  timeline { kind actor data }`;
const APPROVALS = `query($filter: ApprovalFilter) { approvals(filter: $filter) { totalCount edges { node { ${APPROVAL_FIELDS} } } } }`;
const APPROVAL = `query($id: ID!) { approval(id: $id) { ${APPROVAL_FIELDS} } }`;
const DECIDE = `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { id status decisions { actorId decision } } }`;
const DECIDE_MANY = `mutation($input: DecideApprovalsInput!) { decideApprovals(input: $input) { approvalId ok status code message } }`;

interface Approval {
  id: string;
  runId: string;
  caseId: string | null;
  status: string;
  level: number;
  quorum: number;
  rejectQuorum: number;
  prompt: string;
  context: any;
  caseSummary: any;
  expiresAt: string | null;
  approvers: any;
  outcomes: { onApprove: string; onReject: string; onTimeout: string };
  decisions: {
    actorId: string;
    actorName: string;
    decision: string;
    comment: string | null;
    channel: string;
  }[];
  timeline: { kind: string; actor: string; data: any }[];
}

describe('approvals: human in the loop on real Temporal', () => {
  let falcon: FalconFake;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  let caseId: string;
  const keys: Record<string, { secret: string; actorId: string }> = {};
  const clients: Client[] = [];

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'falcon-id', clientSecret: 'falcon-secret' });
    await falcon.start(0);
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    gql = graphqlClient(cordon.graphqlUrl);
    for (const [name, role] of [
      ['rita', 'RESPONDER'], // starts the runs: the requester
      ['alice', 'RESPONDER'],
      ['bob', 'RESPONDER'],
      ['carol', 'ADMIN'],
      ['ann', 'ANALYST'],
      ['vic', 'VIEWER'],
    ]) {
      const res = await gql(
        `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
        { input: { name, role } },
        ADMIN_KEY,
      );
      expect(res.errors).toBeUndefined();
      keys[name] = {
        secret: res.data.createApiKey.secret,
        actorId: `apikey:${res.data.createApiKey.apiKey.id}`,
      };
    }
    const conn = await gql(
      `mutation($input: UpsertConnectionInput!) { upsertConnection(input: $input) { id } }`,
      {
        input: {
          integrationId: 'crowdstrike-falcon',
          name: 'falcon',
          settings: { baseUrl: falcon.url },
          secrets: { clientId: 'falcon-id', clientSecret: 'falcon-secret' },
        },
      },
      ADMIN_KEY,
    );
    expect(conn.errors).toBeUndefined();
    await gql(
      `mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability } }`,
      { input: { capability: 'edr', connectionId: conn.data.upsertConnection.id } },
      ADMIN_KEY,
    );
    // A LOW alert: a case to work on, without triggering contain-host.
    const ingest = await gql(
      `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { caseId } } }`,
      {
        input: [
          {
            source: 'edr',
            title: 'Suspicious process on APPR hosts',
            severity: 'LOW',
            observables: [{ type: 'HOSTNAME', value: 'APPR-Q2-01' }],
          },
        ],
      },
      ADMIN_KEY,
    );
    caseId = ingest.data.ingestAlerts.alerts[0].caseId;
    await save(containPlaybook('approve-quorum', `quorum: 2`));
    await save(containPlaybook('approve-once', `quorum: 1`));
    await save(containPlaybook('approve-timeout-reject', `timeout: 2s\n      on_timeout: reject`));
    await save(containPlaybook('approve-timeout-approve', `timeout: 2s\n      on_timeout: approve`));
    await save(
      containPlaybook(
        'approve-escalate',
        `approvers: { roles: [responder] }
      timeout: 2s
      on_timeout: escalate
      escalate:
        - { approvers: { roles: [admin] }, timeout: 2s }
        - { approvers: { users: ['${keys.ann.actorId}'] }, timeout: 20s }`,
      ),
    );
    await save(
      containPlaybook(
        'approve-escalate-out',
        `timeout: 1s
      on_timeout: escalate
      escalate:
        - { approvers: { roles: [admin] }, timeout: 1s }
        - { approvers: { roles: [admin] }, timeout: 1s }`,
      ),
    );
    await save(containPlaybook('approve-admins', `approvers: { roles: [admin] }`));
    await save(containPlaybook('approve-reject-quorum', `quorum: 1\n      reject_quorum: 2`));
  });

  afterAll(async () => {
    for (const c of clients) void c.dispose();
    await cordon?.stop();
    await falcon?.stop();
    await db?.drop();
  });

  /** Find the host, ask (showing the decider the host), contain it when approved. */
  function containPlaybook(id: string, approval: string): string {
    return manualContainPlaybook(id, {
      approval: `${approval}
      context:
        target: { host: '{{ steps.host.output.hostname }}', ip: '{{ steps.host.output.ip }}', os: '{{ steps.host.output.os }}' }
        on_approve: 'Network-contain {{ steps.host.output.hostname }} through the EDR.'`,
    });
  }

  async function save(source: string): Promise<void> {
    const res = await gql(SAVE, { input: { source } }, ADMIN_KEY);
    expect(res.errors).toBeUndefined();
  }

  /** Starts a run as `who` against a fresh host, so each containment is counted on its own. */
  async function start(playbookId: string, hostname: string, who = 'rita') {
    const device = falcon.addDevice({ hostname });
    const res = await gql(
      RUN_PLAYBOOK,
      { input: { playbookId, caseId, inputs: { hostname } } },
      keys[who].secret,
    );
    expect(res.errors).toBeUndefined();
    return { runId: res.data.runPlaybook.run.id as string, hostId: device.device_id };
  }

  async function approvalOf(runId: string, status = 'PENDING'): Promise<Approval> {
    return eventually(async () => {
      const res = await gql(APPROVALS, { filter: { runId, status } }, ADMIN_KEY);
      expect(res.errors).toBeUndefined();
      return res.data.approvals.edges[0]?.node as Approval | undefined;
    }, `an approval ${status} for run ${runId}`);
  }

  async function approval(id: string): Promise<Approval> {
    const res = await gql(APPROVAL, { id }, ADMIN_KEY);
    expect(res.errors).toBeUndefined();
    return res.data.approval as Approval;
  }

  const decide = (who: string, approvalId: string, decision = 'APPROVE', comment?: string) =>
    gql(DECIDE, { input: { approvalId, decision, comment } }, keys[who].secret);

  async function finished(runId: string) {
    return eventually(async () => {
      const res = await gql(RUN, { id: runId }, ADMIN_KEY);
      const run = res.data.playbookRun;
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) ? run : undefined;
    }, `run ${runId} to finish`);
  }

  const containCalls = (hostId: string) =>
    falcon.calls.filter(
      (c) =>
        c.method === 'POST' &&
        c.path === '/devices/entities/devices-actions/v2?action_name=contain' &&
        JSON.stringify(c.body).includes(hostId),
    );

  it('four eyes: one approval waits, a repeat and the requester are refused, a second person lets it act once', async () => {
    const { runId, hostId } = await start('approve-quorum', 'APPR-Q2-01');
    const a = await approvalOf(runId);
    expect(a.quorum).toBe(2);

    // What the decider sees: the prompt, the target, the case, what each outcome does, the deadline.
    expect(a.prompt).toBe('Contain APPR-Q2-01?');
    expect(a.context.target).toMatchObject({ host: 'APPR-Q2-01', ip: expect.stringMatching(/^10\./) });
    expect(a.caseSummary).toMatchObject({
      title: 'Suspicious process on APPR hosts',
      severity: 'LOW',
      observables: [{ type: 'HOSTNAME', value: 'APPR-Q2-01' }],
    });
    expect(a.outcomes.onApprove).toBe('Network-contain APPR-Q2-01 through the EDR.');
    expect(a.outcomes.onReject).toMatch(/continues without/);

    // The requester does not see it among what they may decide; alice does.
    const mine = async (who: string) =>
      (await gql(APPROVALS, { filter: { mine: true, caseId } }, keys[who].secret)).data.approvals.edges.map(
        (e: { node: Approval }) => e.node.id,
      );
    expect(await mine('rita')).not.toContain(a.id);
    expect(await mine('ann')).not.toContain(a.id);
    expect(await mine('alice')).toContain(a.id);

    const first = await decide('alice', a.id, 'APPROVE', 'looks right');
    expect(first.errors).toBeUndefined();
    expect(first.data.decideApproval.status).toBe('PENDING');
    expect(await mine('alice')).not.toContain(a.id);

    expect(errorCodes(await decide('alice', a.id))).toEqual(['CONFLICT']);
    expect(errorCodes(await decide('rita', a.id))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await decide('ann', a.id))).toEqual(['FORBIDDEN']);
    expect(containCalls(hostId)).toHaveLength(0);
    expect((await approval(a.id)).decisions).toHaveLength(1);

    const second = await decide('bob', a.id);
    expect(second.errors).toBeUndefined();
    expect(second.data.decideApproval.status).toBe('APPROVED');
    const run = await finished(runId);
    await recordHistory('approval-four-eyes', run.workflowId, cordon, ADMIN_KEY);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps.find((s: { stepId: string }) => s.stepId === 'approve').output).toMatchObject({
      decision: 'approved',
      approved_by: [keys.alice.actorId, keys.bob.actorId],
      timed_out: false,
    });
    expect(containCalls(hostId)).toHaveLength(1);

    const done = await approval(a.id);
    expect(done.decisions.map((d) => [d.actorName, d.decision, d.channel, d.comment])).toEqual([
      ['alice', 'APPROVE', 'graphql', 'looks right'],
      ['bob', 'APPROVE', 'graphql', null],
    ]);
    expect(done.timeline.map((e) => e.kind)).toEqual(['REQUESTED', 'DECISION', 'DECISION', 'CLOSED']);
    expect(done.timeline[3].data).toMatchObject({ status: 'APPROVED', reason: 'decided' });

    // The case's timeline tells the same story.
    const kase = await gql(
      `query($id: ID!) { case(id: $id) { timeline { kind data } } }`,
      { id: caseId },
      ADMIN_KEY,
    );
    const entries = kase.data.case.timeline.filter((e: { data: any }) => e.data?.approvalId === a.id);
    expect(entries.map((e: { kind: string }) => e.kind)).toEqual([
      'APPROVAL_REQUESTED',
      'APPROVAL_DECISION',
      'APPROVAL_DECISION',
      'APPROVAL_CLOSED',
    ]);
  });

  it('a rejection by an eligible approver ends it at once, unless reject_quorum asks for more', async () => {
    const once = await start('approve-quorum', 'APPR-REJ-01');
    const a = await approvalOf(once.runId);
    expect((await decide('alice', a.id, 'REJECT')).data.decideApproval.status).toBe('REJECTED');
    expect((await finished(once.runId)).status).toBe('SUCCEEDED');
    expect(containCalls(once.hostId)).toHaveLength(0);

    const twice = await start('approve-reject-quorum', 'APPR-REJ-02');
    const b = await approvalOf(twice.runId);
    expect(b.rejectQuorum).toBe(2);
    expect((await decide('alice', b.id, 'REJECT')).data.decideApproval.status).toBe('PENDING');
    expect((await decide('bob', b.id, 'REJECT')).data.decideApproval.status).toBe('REJECTED');
    await finished(twice.runId);
    expect(containCalls(twice.hostId)).toHaveLength(0);
  });

  it('on_timeout: reject ends without acting, and the timeout is on the timeline', async () => {
    const { runId, hostId } = await start('approve-timeout-reject', 'APPR-TO-R');
    const a = await approvalOf(runId);
    expect(Date.parse(a.expiresAt!) - Date.now()).toBeLessThanOrEqual(2000);
    const run = await finished(runId);
    expect(run.steps.find((s: { stepId: string }) => s.stepId === 'approve').output).toMatchObject({
      decision: 'rejected',
      timed_out: true,
    });
    expect(run.steps.find((s: { stepId: string }) => s.stepId === 'isolate').status).toBe('SKIPPED');
    expect(containCalls(hostId)).toHaveLength(0);
    const done = await approval(a.id);
    expect(done.status).toBe('EXPIRED');
    expect(done.timeline.map((e) => e.kind)).toEqual(['REQUESTED', 'CLOSED']);
    expect(done.timeline[1].data).toMatchObject({
      status: 'EXPIRED',
      reason: 'timeout',
      decision: 'rejected',
    });
    expect(errorCodes(await decide('alice', a.id))).toEqual(['CONFLICT']);
  });

  it('on_timeout: approve acts once when nobody answers', async () => {
    const { runId, hostId } = await start('approve-timeout-approve', 'APPR-TO-A');
    const a = await approvalOf(runId);
    expect(a.outcomes.onTimeout).toMatch(/^Treated as approved/);
    const run = await finished(runId);
    expect(run.steps.find((s: { stepId: string }) => s.stepId === 'approve').output).toMatchObject({
      decision: 'approved',
      timed_out: true,
    });
    expect(containCalls(hostId)).toHaveLength(1);
    expect((await approval(a.id)).timeline.at(-1)!.data).toMatchObject({
      status: 'EXPIRED',
      decision: 'approved',
    });
  });

  it('escalates over two levels, each with its own approvers and deadline; the last level decides', async () => {
    const { runId, hostId } = await start('approve-escalate', 'APPR-ESC-01');
    const a = await approvalOf(runId);
    expect(a.level).toBe(0);
    expect(a.outcomes.onTimeout).toMatch(/^Escalates to the next approvers \(level 1 of 2\)/);

    const atLevel = (level: number) =>
      eventually(async () => {
        const now = await approval(a.id);
        return now.level === level ? now : undefined;
      }, `level ${level}`);
    const one = await atLevel(1);
    expect(one.approvers).toEqual({ roles: ['admin'] });
    // A responder may no longer decide; the escalation's approvers may not either once it moves on.
    expect(errorCodes(await decide('alice', a.id))).toEqual(['FORBIDDEN']);

    const two = await atLevel(2);
    expect(two.approvers).toEqual({ users: [keys.ann.actorId] });
    expect(Date.parse(two.expiresAt!) - Date.now()).toBeGreaterThan(10_000);
    expect(errorCodes(await decide('carol', a.id))).toEqual(['FORBIDDEN']);
    // A named user decides whatever their role.
    const decided = await decide('ann', a.id, 'APPROVE', 'on call tonight');
    expect(decided.errors).toBeUndefined();
    expect(decided.data.decideApproval.status).toBe('APPROVED');

    const run = await finished(runId);
    await recordHistory('approval-escalation', run.workflowId, cordon, ADMIN_KEY);
    expect(run.steps.find((s: { stepId: string }) => s.stepId === 'approve').output).toMatchObject({
      decision: 'approved',
      escalation_level: 2,
      timed_out: false,
    });
    expect(containCalls(hostId)).toHaveLength(1);
    const done = await approval(a.id);
    expect(done.timeline.map((e) => [e.kind, e.data.level ?? null])).toEqual([
      ['REQUESTED', null],
      ['ESCALATED', 1],
      ['ESCALATED', 2],
      ['DECISION', null],
      ['CLOSED', null],
    ]);
  });

  it('rejects when the last escalation level times out too', async () => {
    const { runId, hostId } = await start('approve-escalate-out', 'APPR-ESC-02');
    const a = await approvalOf(runId);
    const run = await finished(runId);
    expect(run.steps.find((s: { stepId: string }) => s.stepId === 'approve').output).toMatchObject({
      decision: 'rejected',
      timed_out: true,
      escalation_level: 2,
    });
    expect(containCalls(hostId)).toHaveLength(0);
    expect((await approval(a.id)).timeline.map((e) => e.kind)).toEqual([
      'REQUESTED',
      'ESCALATED',
      'ESCALATED',
      'CLOSED',
    ]);
  });

  it('race: two deciders at the same instant on a quorum-1 approval: one counts, the other gets CONFLICT', async () => {
    for (const n of [1, 2, 3]) {
      const { runId, hostId } = await start('approve-once', `APPR-RACE-0${n}`);
      const a = await approvalOf(runId);
      const [x, y] = await Promise.all([
        decide('alice', a.id),
        decide('bob', a.id, n === 2 ? 'REJECT' : 'APPROVE'),
      ]);
      const outcomes = [x, y].map((r) => (r.errors ? errorCodes(r)[0] : 'OK')).sort();
      expect(outcomes).toEqual(['CONFLICT', 'OK']);
      const done = await approval(a.id);
      expect(done.decisions).toHaveLength(1);
      const winner = done.decisions[0];
      await finished(runId);
      expect(containCalls(hostId)).toHaveLength(winner.decision === 'APPROVE' ? 1 : 0);
    }
  });

  it('bulk: decides several approvals of one case, each validated on its own', async () => {
    const r1 = await start('approve-once', 'APPR-BULK-01');
    const r2 = await start('approve-once', 'APPR-BULK-02');
    const mineRun = await start('approve-once', 'APPR-BULK-03', 'alice'); // alice may not approve her own
    const [a1, a2, a3] = [
      await approvalOf(r1.runId),
      await approvalOf(r2.runId),
      await approvalOf(mineRun.runId),
    ];
    const res = await gql(
      DECIDE_MANY,
      {
        input: {
          caseId,
          approvalIds: [a1.id, a2.id, a3.id, '00000000-0000-4000-8000-000000000000'],
          decision: 'APPROVE',
          comment: 'bulk',
        },
      },
      keys.alice.secret,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.decideApprovals.map((r: any) => [r.approvalId, r.ok, r.status, r.code])).toEqual([
      [a1.id, true, 'APPROVED', null],
      [a2.id, true, 'APPROVED', null],
      [a3.id, false, null, 'FORBIDDEN'],
      ['00000000-0000-4000-8000-000000000000', false, null, 'NOT_FOUND'],
    ]);
    await finished(r1.runId);
    await finished(r2.runId);
    expect(containCalls(r1.hostId)).toHaveLength(1);
    expect(containCalls(r2.hostId)).toHaveLength(1);
    expect((await approval(a3.id)).status).toBe('PENDING');

    // Without ids: everything of the case bob may decide (a3 now), and nothing twice.
    const all = await gql(DECIDE_MANY, { input: { caseId, decision: 'REJECT' } }, keys.bob.secret);
    expect(all.data.decideApprovals.map((r: any) => [r.approvalId, r.ok, r.status])).toEqual([
      [a3.id, true, 'REJECTED'],
    ]);
    await finished(mineRun.runId);
    expect(containCalls(mineRun.hostId)).toHaveLength(0);
  });

  it('approvalRequested tells those who may decide, scoped by role and named users', async () => {
    await save(containPlaybook('approve-vic', `approvers: { users: ['${keys.vic.actorId}'] }`));
    const subscribe = (who: string) => {
      const client = createClient({
        url: cordon.graphqlUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${keys[who].secret}` },
        retryAttempts: 0,
      });
      clients.push(client);
      return client.iterate<{ approvalRequested: { id: string; runId: string; approvers: any } }>({
        query: `subscription { approvalRequested { id runId approvers } }`,
      });
    };
    const alice = subscribe('alice');
    const vic = subscribe('vic');
    const started: Record<string, string[]> = { admins: [], responders: [], vic: [] };
    let host = 0;
    // The server registers subscriptions asynchronously: keep opening approvals until one is
    // heard. Each round opens one that only admins may decide first: it must never reach either.
    const round = (kinds: ('responders' | 'vic')[]) => async () => {
      started.admins.push((await start('approve-admins', `APPR-SUB-${++host}`)).runId);
      for (const kind of kinds)
        started[kind].push(
          (await start(kind === 'vic' ? 'approve-vic' : 'approve-once', `APPR-SUB-${++host}`)).runId,
        );
    };
    const heardByAlice = await until(alice.next(), round(['responders']));
    expect(started.responders).toContain(heardByAlice.value.data?.approvalRequested.runId);
    expect(heardByAlice.value.data?.approvalRequested.approvers).toEqual({ roles: ['responder'] });

    const heardByVic = await until(vic.next(), round(['responders', 'vic']));
    expect(started.vic).toContain(heardByVic.value.data?.approvalRequested.runId);
  });
});

/** Runs `produce` round after round until `event` settles, or fails after the deadline. */
async function until<T>(event: Promise<T>, produce: () => Promise<void>, deadlineMs = 60_000): Promise<T> {
  let settled: { value: T } | undefined;
  void event.then((value) => (settled = { value }));
  const deadline = Date.now() + deadlineMs;
  while (!settled) {
    if (Date.now() > deadline) throw new Error('no subscription event before the deadline');
    await produce();
    await Promise.race([event, new Promise((r) => setTimeout(r, 300))]);
  }
  return settled.value;
}
