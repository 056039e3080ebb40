import { createFalconFake, type FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { errorCodes, eventually, graphqlClient } from './support/graphql-client';
import { codecEndpoint, payloadsIn, recordHistory, workflowHistoryJson } from './support/histories';

/**
 * Every step kind and step option of the playbook language, on the built server with a real
 * Temporal dev server and database. Playbooks are saved through the API, run by hand, and
 * judged by their recorded steps and by what the Falcon fake saw.
 */
const ADMIN_KEY = 'cdn_e2e_engine_admin_key_0123456789ab';

const SAVE = `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`;
const RUN_PLAYBOOK = `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id status } calls { stepId action input output error } } }`;
const RUN = `query($id: ID!) { playbookRun(id: $id) { id status error workflowId steps { stepId kind status attempts input output error } } }`;
const CANCEL = `mutation($input: CancelPlaybookRunInput!) { cancelPlaybookRun(input: $input) { id status } }`;

interface Step {
  stepId: string;
  kind: string;
  status: string;
  attempts: number;
  input: any;
  output: any;
  error: any;
}
interface Run {
  id: string;
  workflowId: string;
  status: string;
  error: any;
  steps: Step[];
}

describe('playbook engine: every step kind on real Temporal', () => {
  let falcon: FalconFake;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  let responderKey: string;
  let caseId: string;

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'falcon-id', clientSecret: 'falcon-secret' });
    await falcon.start(0);
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    gql = graphqlClient(cordon.graphqlUrl);
    const key = await gql(
      `mutation { createApiKey(input: { name: "rita", role: RESPONDER }) { secret } }`,
      {},
      ADMIN_KEY,
    );
    responderKey = key.data.createApiKey.secret;
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
    await gql(
      `mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability } }`,
      { input: { capability: 'edr', connectionId: conn.data.upsertConnection.id } },
      ADMIN_KEY,
    );
    // A LOW alert: a case to work on, without triggering contain-host.
    const ingest = await gql(
      `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { id caseId } } }`,
      { input: [{ source: 'edr', title: 'Engine test', severity: 'LOW' }] },
      ADMIN_KEY,
    );
    caseId = ingest.data.ingestAlerts.alerts[0].caseId;
  });

  afterAll(async () => {
    await cordon?.stop();
    await falcon?.stop();
    await db?.drop();
  });

  async function save(source: string): Promise<void> {
    const res = await gql(SAVE, { input: { source } }, ADMIN_KEY);
    expect(res.errors).toBeUndefined();
  }

  async function start(playbookId: string, extra: Record<string, unknown> = {}) {
    const res = await gql(RUN_PLAYBOOK, { input: { playbookId, caseId, ...extra } }, responderKey);
    expect(res.errors).toBeUndefined();
    return res.data.runPlaybook as { run: { id: string }; calls: any[] | null };
  }

  async function runOf(id: string): Promise<Run> {
    const res = await gql(RUN, { id }, responderKey);
    expect(res.errors).toBeUndefined();
    return res.data.playbookRun as Run;
  }

  async function finished(id: string): Promise<Run> {
    return eventually(async () => {
      const run = await runOf(id);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) ? run : undefined;
    }, `run ${id} to finish`);
  }

  const step = (run: Run, id: string) => run.steps.find((s) => s.stepId === id);
  const hostId = (name: string) => falcon.devices.all().find((d) => d.hostname === name)!.device_id;
  const effects = (capability: string) => falcon.effects.filter((e) => e.capability === capability);

  it('runs set, if/else, parallel, foreach with concurrency, a skipped step, wait and succeed', async () => {
    await save(`
id: engine-basics
name: Engine basics
trigger: { event: manual }
inputs:
  hostname: WS-01
  threshold: 2
steps:
  - id: vars
    set: { greeting: '{{ "hello " & inputs.hostname }}', n: '{{ inputs.threshold + 1 }}' }
  - id: branch
    if: '{{ vars.n > 2 }}'
    then:
      - id: big
        set: { size: big }
    else:
      - id: small
        set: { size: small }
  - id: both
    parallel:
      - id: find
        action: edr.find_host
        with: { hostname: '{{ inputs.hostname }}' }
      - id: note
        action: case.add_comment
        with: { text: 'engine test: {{ vars.greeting }}' }
  - id: each
    action: edr.find_host
    foreach: '{{ ["WS-01", "SRV-DB-02", "WS-FIN-07"] }}'
    concurrency: 2
    with: { hostname: '{{ item }}' }
  - id: skipped
    if: '{{ vars.size = "small" }}'
    action: case.add_comment
    with: { text: never }
  - id: pause
    wait: { duration: 500ms }
  - id: done
    succeed: 'finished {{ vars.size }} with {{ $count(steps.each.output) }} hosts'
outputs:
  size: '{{ vars.size }}'
`);
    const { run } = await start('engine-basics');
    const done = await finished(run.id);
    expect(done.status).toBe('SUCCEEDED');
    await recordHistory('engine-basics', done.workflowId, cordon, ADMIN_KEY);
    expect(step(done, 'vars')).toMatchObject({
      kind: 'set',
      status: 'SUCCEEDED',
      output: { greeting: 'hello WS-01', n: 3 },
    });
    expect(step(done, 'branch')).toMatchObject({
      kind: 'if',
      status: 'SUCCEEDED',
      output: { branch: 'then' },
    });
    expect(step(done, 'big')).toMatchObject({ status: 'SUCCEEDED', output: { size: 'big' } });
    expect(step(done, 'small')).toBeUndefined();
    expect(step(done, 'both')).toMatchObject({
      kind: 'parallel',
      output: { find: 'SUCCEEDED', note: 'SUCCEEDED' },
    });
    expect(step(done, 'find')?.output).toMatchObject({ hostname: 'WS-01', host_id: hostId('WS-01') });
    expect(step(done, 'each')?.output.map((h: { hostname: string }) => h.hostname)).toEqual([
      'WS-01',
      'SRV-DB-02',
      'WS-FIN-07',
    ]);
    expect(step(done, 'each[2]')).toMatchObject({ status: 'SUCCEEDED', output: { hostname: 'WS-FIN-07' } });
    expect(step(done, 'skipped')).toMatchObject({ status: 'SKIPPED' });
    expect(step(done, 'pause')).toMatchObject({ kind: 'wait', status: 'SUCCEEDED' });
    expect(step(done, 'done')).toMatchObject({ output: { message: 'finished big with 3 hosts' } });
    const timeline = await gql(
      `query($id: ID!) { case(id: $id) { timeline { kind data } } }`,
      { id: caseId },
      responderKey,
    );
    const comments = timeline.data.case.timeline.filter((e: any) => e.kind === 'COMMENT');
    expect(comments.map((e: any) => e.data.body)).toContain('engine test: hello WS-01');
  });

  it('retries a flaky vendor, continues past a failure, follows goto, fails on purpose and compensates', async () => {
    await save(`
id: engine-errors
name: Engine errors
trigger: { event: manual }
inputs:
  host_id: ''
steps:
  - id: contain
    action: edr.isolate_host
    with: { host_id: '{{ inputs.host_id }}' }
    retry: { max_attempts: 4, initial_interval: 100ms, backoff: 1 }
    compensate: { action: edr.release_host, with: { host_id: '{{ inputs.host_id }}' } }
  - id: missing
    action: edr.find_host
    with: { hostname: WS-NOPE }
    on_error: continue
  - id: jump
    action: edr.find_host
    with: { hostname: WS-NOPE-2 }
    on_error: { goto: stop }
  - id: never
    set: { reached: true }
  - id: stop
    fail: 'stopping: lookup {{ steps.missing.status }}'
`);
    const target = hostId('SRV-DB-02');
    // Four 503s exhaust the HTTP client's attempts inside the first activity attempt (without
    // opening its breaker); Temporal's retry then succeeds.
    falcon.injectFaults(
      Array.from({ length: 4 }, () => ({
        status: 503,
        match: { pathPrefix: '/devices/entities/devices-actions' },
      })),
    );
    const { run } = await start('engine-errors', { inputs: { host_id: target } });
    const done = await finished(run.id);
    expect(done.status).toBe('FAILED');
    expect(done.error).toMatchObject({
      message: 'stopping: lookup FAILED',
      code: 'FAILED_BY_PLAYBOOK',
      stepId: 'stop',
    });
    await recordHistory('engine-errors-compensated', done.workflowId, cordon, ADMIN_KEY);
    // Failure messages are sealed like payloads: as stored, the history shows neither the reason
    // nor the host the lookup was for; through the codec endpoint it does.
    const searchable = (json: string) =>
      `${json}\n${payloadsIn(JSON.parse(json))
        .map((p) => p.text)
        .join('\n')}`;
    const stored = searchable(await workflowHistoryJson(done.workflowId, cordon.temporalAddress()));
    expect(stored).toContain('Encoded failure');
    expect(stored).not.toContain('stopping: lookup');
    expect(stored).not.toContain('WS-NOPE');
    const decoded = searchable(
      await workflowHistoryJson(done.workflowId, cordon.temporalAddress(), codecEndpoint(cordon, ADMIN_KEY)),
    );
    expect(decoded).toContain('stopping: lookup FAILED');
    expect(decoded).toContain('WS-NOPE');
    expect(step(done, 'contain')).toMatchObject({ status: 'SUCCEEDED' });
    expect(step(done, 'contain')!.attempts).toBeGreaterThan(1);
    expect(step(done, 'missing')).toMatchObject({
      status: 'FAILED',
      error: { code: 'HOST_NOT_FOUND', vendor: 'CrowdStrike' },
    });
    expect(step(done, 'missing')!.attempts).toBe(1);
    expect(step(done, 'jump')).toMatchObject({ status: 'FAILED' });
    expect(step(done, 'never')).toBeUndefined();
    expect(step(done, 'contain.compensate')).toMatchObject({ kind: 'compensate', status: 'SUCCEEDED' });
    expect(effects('edr.isolate_host').filter((e) => e.target === target)).toHaveLength(1);
    expect(effects('edr.release_host').filter((e) => e.target === target)).toHaveLength(1);
  });

  it('times out a hung vendor call and succeeds on the retry, acting once', async () => {
    await save(`
id: engine-timeout
name: Engine timeout
trigger: { event: manual }
steps:
  - id: find
    action: edr.find_host
    with: { hostname: WS-FIN-07 }
    timeout: 2s
    retry: { max_attempts: 3, initial_interval: 100ms }
`);
    falcon.injectFaults([{ status: 200, delayMs: 20_000, match: { pathPrefix: '/devices/queries' } }]);
    const { run } = await start('engine-timeout');
    const done = await finished(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(step(done, 'find')).toMatchObject({ status: 'SUCCEEDED', output: { hostname: 'WS-FIN-07' } });
    expect(step(done, 'find')!.attempts).toBe(2);
  });

  it('runs a child playbook with inputs and returns its outputs', async () => {
    await save(`
id: engine-child
name: Engine child
trigger: { event: manual }
inputs:
  hostname: ''
steps:
  - id: look
    action: edr.find_host
    with: { hostname: '{{ inputs.hostname }}' }
outputs:
  id: '{{ steps.look.output.host_id }}'
  os: '{{ steps.look.output.os }}'
`);
    await save(`
id: engine-parent
name: Engine parent
trigger: { event: manual }
steps:
  - id: sub
    playbook: engine-child
    inputs: { hostname: SRV-DB-02 }
  - id: each
    playbook: engine-child
    foreach: '{{ ["WS-01", "WS-FIN-07"] }}'
    inputs: { hostname: '{{ item }}' }
`);
    const { run } = await start('engine-parent');
    const done = await finished(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(step(done, 'sub')).toMatchObject({
      kind: 'playbook',
      output: { id: hostId('SRV-DB-02'), os: 'Linux RHEL 9.3' },
    });
    expect(step(done, 'each')!.output.map((o: { id: string }) => o.id)).toEqual([
      hostId('WS-01'),
      hostId('WS-FIN-07'),
    ]);
    const children = await gql(
      `query { playbookRuns(first: 20) { edges { node { playbookId trigger status } } } }`,
      {},
      responderKey,
    );
    const childRuns = children.data.playbookRuns.edges.filter(
      (e: any) => e.node.playbookId === 'engine-child',
    );
    expect(childRuns).toHaveLength(3);
    expect(childRuns.every((e: any) => e.node.trigger === 'playbook' && e.node.status === 'SUCCEEDED')).toBe(
      true,
    );
  });

  it('renders inputs before the start, and fails a run whose input template fails at "inputs"', async () => {
    await save(`
id: engine-inputs
name: Engine inputs
trigger: { event: manual }
inputs:
  title: '{{ case.title }}'
  tag: 'case-{{ case.number }}'
steps:
  - id: note
    action: case.add_comment
    with: { text: '{{ inputs.tag }}: {{ inputs.title }}' }
`);
    const { run } = await start('engine-inputs');
    const done = await finished(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(step(done, 'note')!.input.text).toMatch(/^case-\d+: Engine test$/);
    // The dispatcher rendered them: the workflow's own input carries the values it used.
    const json = await workflowHistoryJson(
      done.workflowId,
      cordon.temporalAddress(),
      codecEndpoint(cordon, ADMIN_KEY),
    );
    const history = JSON.parse(json);
    // The dispatcher recorded the start, and the last step's activity the finish: the run's one
    // local activity is its step's.
    const localActivities = payloadsIn(history)
      .map((p) => /"activity_type":"(\w+)"/.exec(p.text)?.[1])
      .filter(Boolean);
    expect(localActivities).toEqual(['runAction']);
    const times = await gql(
      `query($id: ID!) { playbookRun(id: $id) { startedAt finishedAt } }`,
      { id: run.id },
      responderKey,
    );
    expect(times.data.playbookRun.startedAt).toBeTruthy();
    expect(times.data.playbookRun.finishedAt).toBeTruthy();
    const started = history.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    const input = JSON.parse(Buffer.from(started.data, 'base64').toString('utf8'));
    expect(input.renderedInputs).toEqual({ title: 'Engine test', tag: expect.stringMatching(/^case-\d+$/) });

    await save(`
id: engine-inputs-bad
name: Engine inputs that cannot render
trigger: { event: manual }
inputs:
  n: '{{ $number("not a number") }}'
steps:
  - id: never
    action: case.add_comment
    with: { text: '{{ inputs.n }}' }
`);
    const bad = await finished((await start('engine-inputs-bad')).run.id);
    expect(bad.status).toBe('FAILED');
    expect(bad.error).toMatchObject({ stepId: 'inputs', message: expect.stringContaining('$number') });
    expect(step(bad, 'never')).toBeUndefined();
  });

  it('waits for a case event matching its condition', async () => {
    await save(`
id: engine-wait-event
name: Engine wait for an event
trigger: { event: manual }
steps:
  - id: until
    wait: { event: case.updated, when: 'status = "INVESTIGATING"', timeout: 5m }
  - id: after
    set: { seen: '{{ steps.until.output.event.status }}' }
`);
    // A run of the same case that only sleeps: it waits for no event, so it is told of none.
    await save(`
id: engine-sleeper
name: Engine sleeper
trigger: { event: manual }
steps:
  - id: nap
    wait: { duration: 1h }
`);
    const sleeper = await start('engine-sleeper');
    const { run } = await start('engine-wait-event');
    await eventually(
      async () => step(await runOf(run.id), 'until')?.status === 'WAITING' || undefined,
      'the wait',
    );
    await eventually(
      async () => step(await runOf(sleeper.run.id), 'nap')?.status === 'WAITING' || undefined,
      'the sleep',
    );
    // A change that does not match, then one that does.
    await gql(
      `mutation { updateCase(input: { caseId: "${caseId}", severity: HIGH }) { id } }`,
      {},
      ADMIN_KEY,
    );
    await gql(
      `mutation { updateCase(input: { caseId: "${caseId}", status: INVESTIGATING }) { id } }`,
      {},
      ADMIN_KEY,
    );
    const done = await finished(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(step(done, 'after')).toMatchObject({ output: { seen: 'INVESTIGATING' } });
    const signalled = async (workflowId: string) =>
      (await workflowHistoryJson(workflowId, cordon.temporalAddress())).includes(
        'workflowExecutionSignaledEventAttributes',
      );
    expect(await signalled(done.workflowId)).toBe(true);
    const napping = await runOf(sleeper.run.id);
    expect(await signalled(napping.workflowId)).toBe(false);
    expect((await gql(CANCEL, { input: { runId: napping.id } }, responderKey)).errors).toBeUndefined();
    expect((await finished(napping.id)).status).toBe('CANCELLED');
  });

  it('cancels a run waiting on an approval: closes the approval and undoes completed steps', async () => {
    await save(`
id: engine-cancel
name: Engine cancel
trigger: { event: manual }
steps:
  - id: contain
    action: edr.isolate_host
    with: { host_id: '${hostId('WS-FIN-07')}' }
    compensate: { action: edr.release_host, with: { host_id: '${hostId('WS-FIN-07')}' } }
  - id: ask
    approval: { prompt: 'Keep WS-FIN-07 contained?', timeout: 1h }
`);
    const { run } = await start('engine-cancel');
    await eventually(
      async () => (step(await runOf(run.id), 'contain')?.status === 'SUCCEEDED' ? true : undefined),
      'containment',
    );
    const pending = await eventually(async () => {
      const res = await gql(
        `{ approvals(filter: { status: PENDING }) { edges { node { id runId } } } }`,
        {},
        responderKey,
      );
      return res.data.approvals.edges.find((e: any) => e.node.runId === run.id)?.node as
        { id: string } | undefined;
    }, 'the approval');
    const cancel = await gql(CANCEL, { input: { runId: run.id, reason: 'false alarm' } }, responderKey);
    expect(cancel.errors).toBeUndefined();
    const done = await finished(run.id);
    expect(done.status).toBe('CANCELLED');
    await recordHistory('engine-cancelled-compensated', done.workflowId, cordon, ADMIN_KEY);
    expect(step(done, 'contain.compensate')).toMatchObject({ status: 'SUCCEEDED' });
    const cancelled = await gql(
      `{ approvals(filter: { status: CANCELLED }) { edges { node { id } } } }`,
      {},
      responderKey,
    );
    expect(cancelled.data.approvals.edges.map((e: any) => e.node.id)).toContain(pending.id);
    expect(effects('edr.release_host').filter((e) => e.target === hostId('WS-FIN-07'))).toHaveLength(1);
    const again = await gql(CANCEL, { input: { runId: run.id } }, responderKey);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('dry-runs contain-host against the fakes: says what it would call, touches nothing real', async () => {
    const ingest = await gql(
      `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { id caseId } } }`,
      {
        input: [
          {
            source: 'edr',
            title: 'dry',
            severity: 'LOW',
            observables: [{ type: 'HOSTNAME', value: 'WS-01' }],
          },
        ],
      },
      ADMIN_KEY,
    );
    const alert = ingest.data.ingestAlerts.alerts[0];
    const before = falcon.calls.length;
    const res = await gql(
      RUN_PLAYBOOK,
      { input: { playbookId: 'contain-host', alertId: alert.id, dryRun: true } },
      responderKey,
    );
    expect(res.errors).toBeUndefined();
    const calls = res.data.runPlaybook.calls as { stepId: string; action: string; input: any; output: any }[];
    expect(calls.map((c) => c.action)).toEqual(
      expect.arrayContaining(['edr.find_host', 'edr.isolate_host', 'case.set_status']),
    );
    expect(calls.find((c) => c.action === 'edr.find_host')).toMatchObject({
      input: { hostname: 'WS-01' },
      output: { hostname: 'WS-01' },
    });
    expect(calls.find((c) => c.action === 'case.set_status')).toMatchObject({ output: { dry_run: true } });
    expect(falcon.calls.length).toBe(before);
    const kase = await gql(
      `query($id: ID!) { case(id: $id) { status } }`,
      { id: alert.caseId },
      responderKey,
    );
    expect(kase.data.case.status).toBe('OPEN');
  });

  it('starts case.created and case.updated playbooks once per event, runs built-ins and a vendor action by name, and honours non_retryable', async () => {
    await save(`
id: engine-on-case-created
name: Engine on case created
trigger: { event: case.created, when: 'title = "engine trigger case"' }
steps:
  - id: tag
    action: case.add_tags
    with: { tags: [triaged] }
  - id: assign
    action: case.assign
    with: { assignee: 'apikey:triage-bot' }
  - id: ioc
    action: case.add_observable
    with: { type: IP, value: 203.0.113.99 }
`);
    await save(`
id: engine-on-case-updated
name: Engine on case updated
trigger: { event: case.updated, when: 'status = "INVESTIGATING" and "triaged" in tags' }
steps:
  - id: flaky
    action: crowdstrike-falcon.find_host
    with: { hostname: WS-01 }
    retry: { max_attempts: 3, initial_interval: 100ms, non_retryable: ['503'] }
    on_error: continue
  - id: find
    action: crowdstrike-falcon.find_host
    with: { hostname: WS-01 }
`);
    const ingest = await gql(
      `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { id caseId } } }`,
      { input: [{ source: 'edr', title: 'for the trigger case', severity: 'LOW' }] },
      ADMIN_KEY,
    );
    const created = await gql(
      `mutation($input: CreateCaseInput!) { createCase(input: $input) { id } }`,
      { input: { title: 'engine trigger case', alertIds: [ingest.data.ingestAlerts.alerts[0].id] } },
      ADMIN_KEY,
    );
    expect(created.errors).toBeUndefined();
    const triggerCase = created.data.createCase.id as string;
    const runsOf = async (playbookId: string) => {
      const res = await gql(
        `query($caseId: ID) { playbookRuns(caseId: $caseId, first: 20) { edges { node { id playbookId status trigger } } } }`,
        { caseId: triggerCase },
        responderKey,
      );
      return res.data.playbookRuns.edges
        .map((e: any) => e.node)
        .filter((r: any) => r.playbookId === playbookId);
    };
    const [onCreate] = await eventually(async () => {
      const runs = await runsOf('engine-on-case-created');
      return runs.length && runs[0].status === 'SUCCEEDED' ? runs : undefined;
    }, 'the case.created run');
    expect(onCreate.trigger).toBe('case.created');
    const kase = await gql(
      `query($id: ID!) { case(id: $id) { tags assignee timeline { kind data } } }`,
      { id: triggerCase },
      responderKey,
    );
    expect(kase.data.case).toMatchObject({ tags: ['triaged'], assignee: 'apikey:triage-bot' });
    expect(kase.data.case.timeline.map((e: any) => e.kind)).toContain('OBSERVABLE_ADDED');
    const seen = await gql(
      `{ alerts(first: 5, observable: "203.0.113.99") { totalCount } }`,
      {},
      responderKey,
    );
    expect(seen.data.alerts.totalCount).toBe(1);

    // The tag and assignment were case updates too, but did not match; this one does.
    expect(await runsOf('engine-on-case-updated')).toHaveLength(0);
    // Falcon answers 503 for the whole of one attempt (the HTTP client's four tries).
    falcon.injectFaults(
      Array.from({ length: 4 }, () => ({ status: 503, match: { pathPrefix: '/devices/queries' } })),
    );
    await gql(
      `mutation { updateCase(input: { caseId: "${triggerCase}", status: INVESTIGATING }) { id } }`,
      {},
      ADMIN_KEY,
    );
    const [onUpdate] = await eventually(async () => {
      const runs = await runsOf('engine-on-case-updated');
      return runs.length && ['SUCCEEDED', 'FAILED'].includes(runs[0].status) ? runs : undefined;
    }, 'the case.updated run');
    const done = await runOf(onUpdate.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(step(done, 'find')).toMatchObject({ status: 'SUCCEEDED', output: { hostname: 'WS-01' } });
    // A 503 is retryable, but this step names its code non-retryable: one attempt, then on.
    expect(step(done, 'flaky')).toMatchObject({ status: 'FAILED', attempts: 1, error: { code: '503' } });
    expect(await runsOf('engine-on-case-updated')).toHaveLength(1);
  });
});
