import { createFalconFake, type FalconFake } from '../integrations/crowdstrike-falcon/fake/falcon.fake';
import { microsoftTeams } from '../integrations/microsoft-teams';
import { createTeamsFake, type TeamsFake } from '../integrations/microsoft-teams/fake/microsoft-teams.fake';
import { slack } from '../integrations/slack';
import { createSlackFake, type SlackFake } from '../integrations/slack/fake/slack.fake';
import type { SignedInteraction } from '../integrations/slack/fake/slack-interaction';
import { smtpEmail } from '../integrations/smtp-email';
import { createSmtpFake, type SmtpFake } from '../integrations/smtp-email/fake/smtp-email.fake';
import { startCordon, testDatabase, type CordonProcess } from './support/cordon-process';
import { errorCodes, eventually, graphqlClient } from './support/graphql-client';
import { recordHistory } from './support/histories';
import { manualContainPlaybook } from '../src/playbooks/testing/playbook-samples';

/**
 * Approvals outside GraphQL, on the built server with real Temporal: Slack buttons (signed,
 * fresh, never replayed, from a mapped user), and decision links by e-mail and Teams (signed,
 * bound to the approval and the recipient, single-use, expiring).
 */
const ADMIN_KEY = 'cdn_e2e_approval_channels_0123456789';

const APPROVALS = `query($filter: ApprovalFilter) { approvals(filter: $filter) { edges { node {
  id status quorum decisions { actorId actorName decision channel comment } timeline { kind data } } } } }`;
const RUN = `query($id: ID!) { playbookRun(id: $id) { id workflowId status steps { stepId status output } } }`;
const MAP = `mutation($input: MapApproverIdentityInput!) { mapApproverIdentity(input: $input) { channel externalId actorId } }`;

describe('approvals through Slack, e-mail and Teams', () => {
  let falcon: FalconFake;
  let slackFake: SlackFake;
  let teams: TeamsFake;
  let smtp: SmtpFake;
  let cordon: CordonProcess;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let gql: ReturnType<typeof graphqlClient>;
  let caseId: string;
  const keys: Record<string, { secret: string; actorId: string }> = {};

  beforeAll(async () => {
    falcon = createFalconFake({ clientId: 'falcon-id', clientSecret: 'falcon-secret' });
    slackFake = createSlackFake();
    teams = createTeamsFake();
    smtp = createSmtpFake();
    await Promise.all([falcon.start(0), slackFake.start(0), teams.start(0), smtp.start(0)]);
    db = await testDatabase();
    cordon = await startCordon({ env: { CORDON_BOOTSTRAP_API_KEY: ADMIN_KEY, DATABASE_URL: db.url } });
    gql = graphqlClient(cordon.graphqlUrl);

    for (const [name, role] of [
      ['rita', 'RESPONDER'],
      ['alice', 'RESPONDER'],
      ['bob', 'RESPONDER'],
      ['vic', 'VIEWER'],
    ]) {
      const res = await gql(
        `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
        { input: { name, role } },
        ADMIN_KEY,
      );
      keys[name] = {
        secret: res.data.createApiKey.secret,
        actorId: `apikey:${res.data.createApiKey.apiKey.id}`,
      };
    }
    const connect = async (integrationId: string, conn: { settings: unknown; secrets: unknown }) => {
      const res = await gql(
        `mutation($input: UpsertConnectionInput!) { upsertConnection(input: $input) { id } }`,
        { input: { integrationId, name: integrationId, settings: conn.settings, secrets: conn.secrets } },
        ADMIN_KEY,
      );
      expect(res.errors).toBeUndefined();
      return res.data.upsertConnection.id as string;
    };
    const falconId = await connect('crowdstrike-falcon', {
      settings: { baseUrl: falcon.url },
      secrets: { clientId: 'falcon-id', clientSecret: 'falcon-secret' },
    });
    await gql(
      `mutation($input: BindCapabilityInput!) { bindCapability(input: $input) { capability } }`,
      { input: { capability: 'edr', connectionId: falconId } },
      ADMIN_KEY,
    );
    // The Slack connection holds the bot token and the app's signing secret (as secrets).
    await connect('slack', slack.fakeConnection(slackFake.url));
    await connect('microsoft-teams', microsoftTeams.fakeConnection(teams.url));
    await connect('smtp-email', smtpEmail.fakeConnection(smtp.url));

    for (const [channel, externalId, who] of [
      ['SLACK', 'U0ALICE0001', 'alice'],
      ['EMAIL', 'alice@example.com', 'alice'],
      ['EMAIL', 'bob@example.com', 'bob'],
      ['EMAIL', 'rita@example.com', 'rita'], // the requester: never sent a link
      ['EMAIL', 'vic@example.com', 'vic'], // a viewer: not an approver
    ]) {
      const res = await gql(MAP, { input: { channel, externalId, actorId: keys[who].actorId } }, ADMIN_KEY);
      expect(res.errors).toBeUndefined();
    }
    // Only admins manage the mapping, and only to live keys of the tenant.
    expect(
      errorCodes(
        await gql(
          MAP,
          { input: { channel: 'SLACK', externalId: 'U0X', actorId: keys.bob.actorId } },
          keys.bob.secret,
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await gql(
          MAP,
          {
            input: {
              channel: 'SLACK',
              externalId: 'U0X',
              actorId: 'apikey:00000000-0000-4000-8000-000000000000',
            },
          },
          ADMIN_KEY,
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);

    const ingest = await gql(
      `mutation($input: [AlertInput!]!) { ingestAlerts(input: $input) { alerts { caseId } } }`,
      { input: [{ source: 'edr', title: 'Beaconing from CHAN hosts', severity: 'MEDIUM' }] },
      ADMIN_KEY,
    );
    caseId = ingest.data.ingestAlerts.alerts[0].caseId;
    await save(playbook('approve-in-slack', `notify: [slack]`));
    await save(
      playbook(
        'approve-by-link',
        `quorum: 2\n      timeout: 10m\n      notify: [smtp-email, microsoft-teams]`,
      ),
    );
    await save(
      playbook('approve-link-expiry', `timeout: 2s\n      on_timeout: reject\n      notify: [smtp-email]`),
    );
  });

  afterAll(async () => {
    await cordon?.stop();
    await Promise.all([falcon?.stop(), slackFake?.stop(), teams?.stop(), smtp?.stop()]);
    await db?.drop();
  });

  /** Find the host, ask (showing the decider the host), contain it when approved. */
  function playbook(id: string, approval: string): string {
    return manualContainPlaybook(id, {
      approval: `${approval}
      context:
        target: { host: '{{ steps.host.output.hostname }}', ip: '{{ steps.host.output.ip }}' }`,
    });
  }

  async function save(source: string): Promise<void> {
    const res = await gql(
      `mutation($input: SavePlaybookInput!) { savePlaybook(input: $input) { id } }`,
      { input: { source } },
      ADMIN_KEY,
    );
    expect(res.errors).toBeUndefined();
  }

  async function start(playbookId: string, hostname: string) {
    const device = falcon.addDevice({ hostname });
    const res = await gql(
      `mutation($input: RunPlaybookInput!) { runPlaybook(input: $input) { run { id } } }`,
      { input: { playbookId, caseId, inputs: { hostname } } },
      keys.rita.secret,
    );
    expect(res.errors).toBeUndefined();
    return { runId: res.data.runPlaybook.run.id as string, hostId: device.device_id };
  }

  async function approvalOf(runId: string) {
    return eventually(async () => {
      const res = await gql(APPROVALS, { filter: { runId } }, ADMIN_KEY);
      return res.data.approvals.edges[0]?.node as
        { id: string; status: string; decisions: any[]; timeline: { kind: string; data: any }[] } | undefined;
    }, `the approval of run ${runId}`);
  }

  async function finished(runId: string) {
    return eventually(async () => {
      const run = (await gql(RUN, { id: runId }, ADMIN_KEY)).data.playbookRun;
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) ? run : undefined;
    }, `run ${runId} to finish`);
  }

  const containCalls = (hostId: string) =>
    falcon.calls.filter(
      (c) => c.path.includes('action_name=contain') && JSON.stringify(c.body).includes(hostId),
    );

  describe('Slack', () => {
    const post = (click: SignedInteraction) =>
      fetch(`${cordon.url}/integrations/slack/interactions`, {
        method: 'POST',
        headers: click.headers,
        body: click.body,
      });

    it('posts Approve / Reject buttons; only a signed, fresh, first click by a mapped user decides', async () => {
      const { runId, hostId } = await start('approve-in-slack', 'CHAN-SLACK-01');
      const approval = await approvalOf(runId);
      const message = await eventually(
        async () =>
          slackFake.messages.find((m) => m.blocks.some((b) => b.block_id === `approval:${approval.id}`)),
        'the approval message in Slack',
      );
      expect(message.channel).toBe('C0SOCALERTS');
      expect(JSON.stringify(message.blocks)).toContain('CHAN-SLACK-01');
      const ephemerals = () =>
        slackFake.messages.filter((m) => m.ts !== message.ts && m.channel === message.channel);
      const before = ephemerals().length;

      // A bad signature, a stale timestamp, an unmapped user: refused, nothing decided.
      const forged = await post(
        slackFake.clickButton({ ts: message.ts, actionId: 'approve', signingSecret: 'not-the-secret' }),
      );
      expect(forged.status).toBe(401);
      expect(await forged.json()).toEqual({ ok: false, error: 'invalid_signature' });
      const stale = await post(
        slackFake.clickButton({
          ts: message.ts,
          actionId: 'approve',
          timestamp: Math.floor(Date.now() / 1000) - 600,
        }),
      );
      expect(stale.status).toBe(401);
      expect(await stale.json()).toEqual({ ok: false, error: 'stale_request' });
      const tampered = slackFake.clickButton({ ts: message.ts, actionId: 'approve' });
      const swapped = await post({ ...tampered, body: tampered.body.replace('U0ALICE0001', 'U0SOCLEAD01') });
      expect(swapped.status).toBe(401);

      const unmapped = await post(
        slackFake.clickButton({ ts: message.ts, actionId: 'approve', user: 'U0SOCLEAD01' }),
      );
      expect(unmapped.status).toBe(200);
      const note = await eventually(async () => ephemerals()[before], 'the ephemeral reply');
      expect(note.text).toMatch(/not mapped to a Cordon approver/);
      expect((await approvalOf(runId)).status).toBe('PENDING');
      expect((await approvalOf(runId)).decisions).toEqual([]);
      expect(containCalls(hostId)).toHaveLength(0);

      // Alice's click, exactly as Slack sends it, decides through the same path as GraphQL.
      const click = slackFake.clickButton({ ts: message.ts, actionId: 'approve', user: 'U0ALICE0001' });
      expect(click.body.startsWith('payload=')).toBe(true);
      const accepted = await post(click);
      expect(accepted.status).toBe(200);
      const decided = await approvalOf(runId);
      expect(decided.status).toBe('APPROVED');
      expect(decided.decisions).toEqual([
        {
          actorId: keys.alice.actorId,
          actorName: 'alice',
          decision: 'APPROVE',
          channel: 'slack',
          comment: null,
        },
      ]);
      const run = await finished(runId);
      expect(run.status).toBe('SUCCEEDED');
      expect(containCalls(hostId)).toHaveLength(1);
      await recordHistory('approval-slack', run.workflowId, cordon, ADMIN_KEY);

      // The message now says how it ended, without buttons.
      await eventually(
        async () => (message.text.includes('Approved by alice') ? true : undefined),
        'the message update',
      );
      expect(JSON.stringify(message.blocks)).not.toContain('"action_id":"approve"');

      // The same request again is a replay: refused, nothing recorded twice.
      const replay = await post(click);
      expect(replay.status).toBe(409);
      expect(await replay.json()).toEqual({ ok: false, error: 'replayed' });
      expect((await approvalOf(runId)).decisions).toHaveLength(1);
      expect(containCalls(hostId)).toHaveLength(1);

      const kinds = (await approvalOf(runId)).timeline.map((e) => e.kind);
      expect(kinds).toEqual(['REQUESTED', 'NOTIFIED', 'DECISION', 'CLOSED']);
    });

    it('ignores link buttons and refuses what is not a Slack form', async () => {
      const { runId } = await start('approve-in-slack', 'CHAN-SLACK-02');
      const approval = await approvalOf(runId);
      const message = await eventually(
        async () =>
          slackFake.messages.find((m) => m.blocks.some((b) => b.block_id === `approval:${approval.id}`)),
        'the approval message',
      );
      const json = await fetch(`${cordon.url}/integrations/slack/interactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payload: {} }),
      });
      expect(json.status).toBe(400);
      const reject = await post(
        slackFake.clickButton({ ts: message.ts, actionId: 'reject', user: 'U0ALICE0001' }),
      );
      expect(reject.status).toBe(200);
      expect((await approvalOf(runId)).status).toBe('REJECTED');
      await finished(runId);
    });
  });

  describe('decision links', () => {
    const tokenIn = (text: string | undefined) =>
      /\/approvals\/decide\?token=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(text ?? '')?.[1];
    const decideByLink = (
      token: string,
      form: Record<string, string>,
      headers: Record<string, string> = {},
    ) =>
      fetch(`${cordon.url}/approvals/decide`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...headers,
        },
        body: new URLSearchParams({ token, ...form }).toString(),
      });

    it('e-mails each eligible approver a personal single-use link and posts a Teams card; both decide', async () => {
      const mailsBefore = smtp.messages.length;
      const cardsBefore = teams.messages.length;
      const { runId, hostId } = await start('approve-by-link', 'CHAN-LINK-01');
      const approval = await approvalOf(runId);
      const mails = await eventually(async () => {
        const now = smtp.messages.slice(mailsBefore);
        return now.length >= 2 ? now : undefined;
      }, 'the approval e-mails');
      // Alice and Bob; never the requester, never a viewer.
      expect(
        mails
          .map((m) => m.envelope.to)
          .flat()
          .sort(),
      ).toEqual(['alice@example.com', 'bob@example.com']);
      expect(mails[0].subject).toBe('Approval needed: Contain CHAN-LINK-01?');
      expect(mails[0].text).toMatch(/^Target: .*host: CHAN-LINK-01/m);
      expect(mails[0].text).toContain('Needs 2 approvals from different people.');
      const card = await eventually(async () => teams.messages[cardsBefore], 'the Teams card');
      const teamsToken = tokenIn(card.links.join(' '));
      expect(teamsToken).toBeDefined();

      const aliceToken = tokenIn(mails.find((m) => m.envelope.to.includes('alice@example.com'))!.text)!;
      // The link shows the approval: JSON for scripts, a page for people.
      const shown = await fetch(`${cordon.url}/approvals/decide?token=${aliceToken}`, {
        headers: { accept: 'application/json' },
      });
      expect(shown.status).toBe(200);
      const body = await shown.json();
      expect(body).toMatchObject({
        channel: 'email',
        recipient: keys.alice.actorId,
        approval: { id: approval.id, status: 'PENDING' },
      });
      const page = await fetch(`${cordon.url}/approvals/decide?token=${aliceToken}`);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('Contain CHAN-LINK-01?');

      // A changed token is refused.
      const [claims, mac] = aliceToken.split('.');
      const forged = Buffer.from(
        Buffer.from(claims, 'base64url').toString().replace(keys.alice.actorId, keys.bob.actorId),
      ).toString('base64url');
      expect((await decideByLink(`${forged}.${mac}`, { decision: 'APPROVE' })).status).toBe(401);

      const first = await decideByLink(aliceToken, { decision: 'APPROVE', comment: 'from my phone' });
      expect(first.status).toBe(200);
      expect(((await first.json()) as any).approval).toMatchObject({ status: 'PENDING' });
      // Used once: refused for viewing and deciding.
      expect((await decideByLink(aliceToken, { decision: 'APPROVE' })).status).toBe(409);
      expect((await fetch(`${cordon.url}/approvals/decide?token=${aliceToken}`)).status).toBe(409);

      // The Teams card cannot say who clicked: the decider gives their own API key.
      expect((await decideByLink(teamsToken!, { decision: 'APPROVE' })).status).toBe(401);
      const byTeams = await decideByLink(
        teamsToken!,
        { decision: 'APPROVE' },
        { authorization: `Bearer ${keys.bob.secret}` },
      );
      expect(byTeams.status).toBe(200);
      expect(((await byTeams.json()) as any).approval.status).toBe('APPROVED');

      const decided = await approvalOf(runId);
      expect(decided.decisions.map((d: any) => [d.actorName, d.channel, d.comment])).toEqual([
        ['alice', 'email', 'from my phone'],
        ['bob', 'teams', null],
      ]);
      await finished(runId);
      expect(containCalls(hostId)).toHaveLength(1);

      // Bob's own e-mail link no longer decides anything.
      const bobToken = tokenIn(mails.find((m) => m.envelope.to.includes('bob@example.com'))!.text)!;
      const late = await decideByLink(bobToken, { decision: 'REJECT' });
      expect(late.status).toBe(409);
      expect(((await late.json()) as any).error.code).toBe('CONFLICT');
    });

    it('refuses an expired link', async () => {
      const mailsBefore = smtp.messages.length;
      const { runId } = await start('approve-link-expiry', 'CHAN-LINK-02');
      const mail = await eventually(
        async () => smtp.messages.slice(mailsBefore).find((m) => m.envelope.to.includes('alice@example.com')),
        'the e-mail',
      );
      const token = tokenIn(mail.text)!;
      await finished(runId);
      const expired = await eventually(async () => {
        const res = await decideByLink(token, { decision: 'APPROVE' });
        return res.status === 410 ? res : undefined;
      }, 'the link to expire');
      expect(((await expired.json()) as any).error.code).toBe('EXPIRED');
      expect((await approvalOf(runId)).decisions).toEqual([]);
    });
  });
});
