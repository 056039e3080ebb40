import type { FakeVendorServer } from '../src/integrations/kit/integration.types';
import { CONFORMANCE_FIXTURES as F } from '../src/integrations/kit/conformance/fixtures';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { connectFake, effectsOf } from './support/fakes';
import { eventually, graphqlClient } from './support/graphql-client';
import { recordHistory } from './support/histories';

/**
 * The playbooks Cordon ships, end to end on real Temporal and a real database, each acting
 * through real adapters against the vendors' fakes: what an MDR team gets on day one.
 */
const ADMIN_KEY = 'cdn_e2e_shipped_admin_key_0123456789';

const INGEST = `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { id caseId } } }`;
const RUN_PLAYBOOK = `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id } } }`;
const RUN = `query($id: ID!) { playbookRun(id: $id) { id status error workflowId steps { stepId status output error } } }`;
const RUNS = `query($caseId: ID) { playbookRuns(caseId: $caseId, first: 20) { edges { node { id playbookId status } } } }`;
const PENDING = `query($caseId: ID) { approvals(filter: { status: PENDING, caseId: $caseId }) { edges { node { id runId prompt } } } }`;
const DECIDE = `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { id status } }`;
const UPDATE_CASE = `mutation($input: UpdateCaseInput!) { updateCase(input: $input) { id status } }`;

interface Run {
  id: string;
  workflowId: string;
  status: string;
  error: any;
  steps: { stepId: string; status: string; output: any; error: any }[];
}

describe('shipped playbooks against the vendors’ fakes', () => {
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  let responder: string;
  const fakes: Record<string, FakeVendorServer> = {};

  beforeAll(async () => {
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    gql = graphqlClient(cordon.graphqlUrl);
    const key = await gql(
      `mutation { createApiKey(input: { name: "rob", role: RESPONDER }) { secret } }`,
      {},
      ADMIN_KEY,
    );
    responder = key.data.createApiKey.secret;
    fakes.edr = await connectFake(gql, ADMIN_KEY, 'crowdstrike-falcon', ['edr']);
    fakes.identity = await connectFake(gql, ADMIN_KEY, 'okta', ['identity']);
    fakes.email = await connectFake(gql, ADMIN_KEY, 'microsoft-365-mail', ['email']);
    fakes.intel = await connectFake(gql, ADMIN_KEY, 'virustotal', ['intel']);
    fakes.firewall = await connectFake(gql, ADMIN_KEY, 'palo-alto-panos', ['firewall']);
    fakes.notify = await connectFake(gql, ADMIN_KEY, 'slack', ['notify']);
  });

  afterAll(async () => {
    await cordon?.stop();
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
    await db?.drop();
  });

  async function ingest(alert: Record<string, unknown>): Promise<{ id: string; caseId: string }> {
    const res = await gql(INGEST, { input: [alert] }, ADMIN_KEY);
    expect(res.errors).toBeUndefined();
    return res.data.ingestAlerts.alerts[0];
  }

  /** Started by the admin, so the responder may approve (a run's requester never may). */
  async function run(input: Record<string, unknown>): Promise<string> {
    const res = await gql(RUN_PLAYBOOK, { input }, ADMIN_KEY);
    expect(res.errors).toBeUndefined();
    return res.data.runPlaybook.run.id;
  }

  async function runOf(id: string): Promise<Run> {
    const res = await gql(RUN, { id }, responder);
    expect(res.errors).toBeUndefined();
    return res.data.playbookRun;
  }

  async function finished(id: string): Promise<Run> {
    return eventually(async () => {
      const r = await runOf(id);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status) ? r : undefined;
    }, `run ${id} to finish`);
  }

  async function approveOnCase(caseId: string): Promise<{ id: string; runId: string; prompt: string }> {
    const pending = await eventually(async () => {
      const res = await gql(PENDING, { caseId }, responder);
      return res.data.approvals.edges[0]?.node;
    }, 'a pending approval');
    const decided = await gql(DECIDE, { input: { approvalId: pending.id, decision: 'APPROVE' } }, responder);
    expect(decided.errors).toBeUndefined();
    return pending;
  }

  async function closeAs(caseId: string, resolution: string): Promise<void> {
    for (const status of ['RESOLVED', 'CLOSED']) {
      const res = await gql(UPDATE_CASE, { input: { caseId, status, resolution } }, ADMIN_KEY);
      expect(res.errors).toBeUndefined();
    }
  }

  const step = (r: Run, id: string) => r.steps.find((s) => s.stepId === id);

  it('contain-host: contains on approval, then releases the host when the case closes as benign', async () => {
    const alert = await ingest({
      source: 'crowdstrike',
      title: 'Suspicious PowerShell on SRV-DB-02',
      severity: 'HIGH',
      observables: [{ type: 'HOSTNAME', value: 'SRV-DB-02' }],
    });
    const approval = await approveOnCase(alert.caseId);
    expect(approval.prompt).toContain('SRV-DB-02');
    const host = await eventually(async () => {
      const r = await runOf(approval.runId);
      return step(r, 'record')?.status === 'SUCCEEDED' ? step(r, 'host')!.output.host_id : undefined;
    }, 'containment');
    expect(effectsOf(fakes.edr, 'edr.isolate_host')).toEqual([host]);
    await closeAs(alert.caseId, 'BENIGN');
    const done = await finished(approval.runId);
    expect(done.status).toBe('SUCCEEDED');
    await recordHistory('shipped-contain-host-benign-release', done.workflowId, cordon, ADMIN_KEY);
    expect(step(done, 'release')).toMatchObject({ status: 'SUCCEEDED' });
    expect(effectsOf(fakes.edr, 'edr.release_host')).toEqual([host]);
  });

  it('compromised-account: suspends, revokes sessions and resets MFA on approval; unsuspends on a benign close', async () => {
    const alert = await ingest({
      source: 'okta',
      title: 'Impossible travel for alice',
      severity: 'HIGH',
      techniques: ['T1078.004'],
      observables: [{ type: 'USER', value: F.identity.user }],
    });
    const approval = await approveOnCase(alert.caseId);
    const userId = await eventually(async () => {
      const r = await runOf(approval.runId);
      return step(r, 'record')?.status === 'SUCCEEDED' ? step(r, 'user')!.output.user_id : undefined;
    }, 'the account to be locked out');
    expect(effectsOf(fakes.identity, 'identity.suspend_user')).toEqual([userId]);
    expect(effectsOf(fakes.identity, 'identity.revoke_sessions')).toContain(userId);
    expect(effectsOf(fakes.identity, 'identity.reset_mfa')).toEqual([userId]);
    const kase = await gql(`query($id: ID!) { case(id: $id) { status } }`, { id: alert.caseId }, responder);
    expect(kase.data.case.status).toBe('CONTAINED');
    await closeAs(alert.caseId, 'FALSE_POSITIVE');
    const done = await finished(approval.runId);
    expect(done.status).toBe('SUCCEEDED');
    await recordHistory('shipped-compromised-account', done.workflowId, cordon, ADMIN_KEY);
    expect(effectsOf(fakes.identity, 'identity.unsuspend_user')).toEqual([userId]);
  });

  it('phishing-response: quarantines every copy, blocks the sender, revokes clickers’ sessions, tells the SOC', async () => {
    const alert = await ingest({ source: 'phish-report', title: 'Reported phish', severity: 'LOW' });
    const id = await run({
      playbookId: 'phishing-response',
      caseId: alert.caseId,
      inputs: {
        internet_message_id: F.email.internetMessageId,
        sender: F.email.sender,
        clicked_by: ['bob@example.com'],
      },
    });
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');
    await recordHistory('shipped-phishing-response', done.workflowId, cordon, ADMIN_KEY);
    expect(step(done, 'quarantine')!.output).toHaveLength(F.email.mailboxes.length);
    expect(effectsOf(fakes.email, 'email.quarantine_message')).toHaveLength(F.email.mailboxes.length);
    expect(effectsOf(fakes.email, 'email.block_sender')).toHaveLength(1);
    // The child playbook found bob and ended his sessions.
    expect(step(done, 'sessions')!.output).toEqual([{ user_id: expect.any(String), revoked: true }]);
    expect(effectsOf(fakes.notify, 'notify.send').length).toBeGreaterThanOrEqual(1);
    const runs = await gql(RUNS, { caseId: alert.caseId }, responder);
    expect(runs.data.playbookRuns.edges.map((e: any) => e.node)).toContainEqual(
      expect.objectContaining({ playbookId: 'revoke-user-sessions', status: 'SUCCEEDED' }),
    );
  });

  it('block-malicious-ip: blocks a malicious IP for its TTL and unblocks it when the timer fires', async () => {
    // LOW: not picked up by the alert trigger, so the run below is the only one and its TTL short.
    const alert = await ingest({
      source: 'ids',
      title: 'Beaconing to a known C2',
      severity: 'LOW',
      observables: [{ type: 'IP', value: F.intel.maliciousIp }],
    });
    const id = await run({ playbookId: 'block-malicious-ip', alertId: alert.id, inputs: { ttl: '3s' } });
    await eventually(
      async () =>
        effectsOf(fakes.firewall, 'firewall.block_ip').includes(F.intel.maliciousIp) ? true : undefined,
      'the block',
    );
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');
    await recordHistory('shipped-block-malicious-ip-ttl', done.workflowId, cordon, ADMIN_KEY);
    expect(step(done, 'ttl')).toMatchObject({ status: 'SUCCEEDED', output: { waited: '3s' } });
    expect(effectsOf(fakes.firewall, 'firewall.unblock_ip')).toEqual([F.intel.maliciousIp]);
  });

  it('block-malicious-ip: leaves a harmless IP alone', async () => {
    const alert = await ingest({
      source: 'ids',
      title: 'DNS to a resolver',
      severity: 'LOW',
      observables: [{ type: 'IP', value: F.intel.harmlessIp }],
    });
    const done = await finished(await run({ playbookId: 'block-malicious-ip', alertId: alert.id }));
    expect(done.status).toBe('SUCCEEDED');
    expect(step(done, 'harmless')).toMatchObject({ status: 'SUCCEEDED' });
    expect(step(done, 'block')).toBeUndefined();
    expect(effectsOf(fakes.firewall, 'firewall.block_ip')).not.toContain(F.intel.harmlessIp);
  });

  it('ransomware-outbreak: one approval, then every known host of the case isolated in parallel', async () => {
    const hosts = ['WS-FIN-07', 'MBP-DES-03', 'WS-UNKNOWN-99'];
    const alerts = [];
    for (const h of hosts) {
      alerts.push(
        await ingest({
          source: 'crowdstrike',
          title: `Encryption activity on ${h}`,
          severity: 'LOW',
          techniques: ['T1486'],
          observables: [{ type: 'HOSTNAME', value: h }],
        }),
      );
    }
    const created = await gql(
      `mutation($input: CreateCaseInput!) { createCase(input: $input) { id } }`,
      { input: { title: 'Ransomware outbreak', severity: 'CRITICAL', alertIds: alerts.map((a) => a.id) } },
      ADMIN_KEY,
    );
    expect(created.errors).toBeUndefined();
    const caseId = created.data.createCase.id;
    const before = effectsOf(fakes.edr, 'edr.isolate_host').length;
    const id = await run({ playbookId: 'ransomware-outbreak', caseId });
    const approval = await approveOnCase(caseId);
    expect(approval.runId).toBe(id);
    expect(approval.prompt).toContain('Isolate 2 hosts');
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');
    await recordHistory('shipped-ransomware-outbreak', done.workflowId, cordon, ADMIN_KEY);
    expect(step(done, 'isolate')!.output).toHaveLength(2);
    expect(effectsOf(fakes.edr, 'edr.isolate_host').length - before).toBe(2);
    const kase = await gql(`query($id: ID!) { case(id: $id) { status } }`, { id: caseId }, responder);
    expect(kase.data.case.status).toBe('CONTAINED');
  });
});
