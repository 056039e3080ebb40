import { HttpClient } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { createSlackFake, SLACK_FAKE_BOT_TOKEN, type SlackFake } from './fake/slack.fake';
import slack from './index';

describe('Slack integration against its fake', () => {
  let fake: SlackFake;
  const sleeps: number[] = [];
  let step = 0;

  beforeEach(async () => {
    sleeps.length = 0;
    fake = createSlackFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  function context(over: { token?: string; defaultChannel?: string; http?: HttpClient } = {}): ActionContext {
    return {
      connection: {
        id: 'conn-slack',
        baseUrl: fake.url,
        settings: { baseUrl: fake.url, defaultChannel: over.defaultChannel ?? 'C0SOCALERTS' },
        secrets: { botToken: over.token ?? SLACK_FAKE_BOT_TOKEN },
      },
      idempotencyKey: `run-1/step-${++step}`,
      http:
        over.http ??
        new HttpClient({ vendor: 'Slack', baseUrl: fake.url, sleep: async (ms) => void sleeps.push(ms) }),
    };
  }
  const run = (ctx: ActionContext, action: string, input: Record<string, unknown>) =>
    slack.actions[action].run(ctx, input);
  const posts = () => fake.calls.filter((c) => c.path === '/api/chat.postMessage');

  it('sends a notification as text plus a section block and a link button', async () => {
    const out = await run(context(), 'send_message', {
      subject: 'Case 42 contained',
      text: 'WS-01 is **isolated** <!channel> & logged; see [the case](https://cordon.example/cases/42)',
      link: 'https://cordon.example/cases/42',
    });
    const [call] = posts();
    expect(out).toEqual({ delivered: true, message_ref: `C0SOCALERTS:${fake.messages[0].ts}` });
    expect(call.headers.authorization).toBe(`Bearer ${SLACK_FAKE_BOT_TOKEN}`);
    expect(call.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(call.body).toEqual({
      channel: 'C0SOCALERTS',
      text: expect.stringContaining('Case 42 contained: WS-01 is **isolated** &lt;!channel&gt; &amp; logged'),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Case 42 contained', emoji: true } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: 'WS-01 is *isolated* &lt;!channel&gt; &amp; logged; see <https://cordon.example/cases/42|the case>',
          },
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'open_link',
              text: { type: 'plain_text', text: 'Open', emoji: true },
              url: 'https://cordon.example/cases/42',
            },
          ],
        },
      ],
      unfurl_links: false,
      unfurl_media: false,
    });
    expect(fake.effects).toEqual([{ capability: 'notify.send', target: 'C0SOCALERTS' }]);
  });

  it('sends to an e-mail address as a DM, via users.lookupByEmail', async () => {
    const out = await run(context(), 'send_message', { to: 'soc@example.com', text: 'hi' });
    expect(out.message_ref).toMatch(/^D0SOCLEAD01:/);
    expect(fake.calls[0].path).toBe('/api/users.lookupByEmail?email=soc%40example.com');
    const err = await caught(run(context(), 'send_message', { to: 'nobody@example.com', text: 'hi' }));
    expect(err).toMatchObject({ vendor: 'Slack', status: 200, code: 'users_not_found', retryable: false });
  });

  it('surfaces ok: false errors as non-retryable VendorErrors with Slack’s code', async () => {
    const notIn = await caught(run(context(), 'send_message', { to: 'C0GENERAL01', text: 'x' }));
    expect(notIn).toMatchObject({ vendor: 'Slack', status: 200, code: 'not_in_channel', retryable: false });
    expect(notIn.message).toBe(
      'not_in_channel: the app is not a member of the channel (/invite the app first)',
    );
    expect(await caught(run(context(), 'send_message', { to: 'C0NOPE', text: 'x' }))).toMatchObject({
      code: 'channel_not_found',
      retryable: false,
    });
    const auth = await caught(run(context({ token: 'xoxb-revoked-token' }), 'send_message', { text: 'x' }));
    expect(auth).toMatchObject({ code: 'invalid_auth', retryable: false });
    expect(JSON.stringify(auth)).not.toContain('xoxb-revoked-token');
    expect(auth.message).not.toContain('xoxb');
  });

  it('reports missing_scope with the scope needed', async () => {
    await fake.stop();
    fake = createSlackFake({ scopes: ['chat:write'] });
    await fake.start(0);
    const err = await caught(run(context(), 'send_message', { to: 'soc@example.com', text: 'x' }));
    expect(err).toMatchObject({ code: 'missing_scope', retryable: false });
    expect(err.message).toContain('needed: users:read,users:read.email');
  });

  it('refuses bad input before calling Slack', async () => {
    expect(await caught(run(context(), 'send_message', { text: '' }))).toMatchObject({ code: 'BAD_INPUT' });
    expect(
      await caught(run(context(), 'send_message', { text: 'x', link: 'javascript:alert(1)' })),
    ).toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(await caught(run(context({ defaultChannel: '' }), 'send_message', { text: 'x' }))).toMatchObject({
      code: 'BAD_INPUT',
      message: 'no destination: give `to` or set the defaultChannel setting',
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('waits as Retry-After says through 429s', async () => {
    fake.injectFaults([fake.rateLimitFault(3), fake.rateLimitFault(1)]);
    await run(context(), 'send_message', { text: 'x' });
    expect(sleeps).toEqual([3000, 1000]);
    expect(posts()).toHaveLength(3);
    expect(fake.effects).toHaveLength(1);
  });

  it('does not post twice when the same step is retried after it succeeded', async () => {
    const ctx = context();
    const first = await run(ctx, 'send_message', { text: 'once' });
    const again = await run(ctx, 'send_message', { text: 'once' });
    expect(again).toEqual(first);
    expect(posts()).toHaveLength(1);
    // Another step (another key) is another message.
    await run({ ...ctx, idempotencyKey: 'run-1/other' }, 'send_message', { text: 'once' });
    expect(posts()).toHaveLength(2);
  });

  it('posts an approval request with Approve / Reject buttons, then shows the outcome', async () => {
    const ctx = context();
    const posted = await run(ctx, 'post_approval', {
      approval_id: 'ap-123',
      prompt: 'Contain WS-01?',
      case: 'CASE-42 Ransomware on WS-01',
      target: 'WS-01',
      deadline: '2030-01-01T12:00:00Z',
      link: 'https://cordon.example/approvals/ap-123',
    });
    const message = fake.messages[0];
    expect(posted).toEqual({ channel: 'C0SOCALERTS', ts: message.ts });
    expect(message.blocks).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Contain WS-01?*' },
        accessory: {
          type: 'button',
          action_id: 'open_link',
          text: { type: 'plain_text', text: 'Open case', emoji: true },
          url: 'https://cordon.example/approvals/ap-123',
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Case*\nCASE-42 Ransomware on WS-01' },
          { type: 'mrkdwn', text: '*Target*\nWS-01' },
          {
            type: 'mrkdwn',
            text: '*Deadline*\n<!date^1893499200^{date_short_pretty} at {time}|2030-01-01T12:00:00Z>',
          },
        ],
      },
      {
        type: 'actions',
        block_id: 'approval:ap-123',
        elements: [
          {
            type: 'button',
            action_id: 'approve',
            text: { type: 'plain_text', text: 'Approve', emoji: true },
            style: 'primary',
            value: 'ap-123',
          },
          {
            type: 'button',
            action_id: 'reject',
            text: { type: 'plain_text', text: 'Reject', emoji: true },
            style: 'danger',
            value: 'ap-123',
          },
        ],
      },
    ]);
    expect(message.metadata).toEqual({
      event_type: 'cordon_approval_requested',
      event_payload: { approval_id: 'ap-123' },
    });
    expect(fake.effects).toEqual([{ capability: 'slack.post_approval', target: 'C0SOCALERTS' }]);

    // A click on Approve, as Slack would deliver it to Cordon.
    const click = fake.clickButton({ ts: posted.ts as string, actionId: 'approve' });
    expect(click.payload.actions[0]).toMatchObject({ block_id: 'approval:ap-123', value: 'ap-123' });

    const updated = await run(ctx, 'update_message', {
      channel: posted.channel,
      ts: posted.ts,
      text: 'Approved by <@U0ALICE0001>: containing WS-01',
    });
    expect(updated).toEqual(posted);
    expect(fake.messages[0]).toMatchObject({
      text: 'Approved by &lt;@U0ALICE0001&gt;: containing WS-01',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Approved by &lt;@U0ALICE0001&gt;: containing WS-01' },
        },
      ],
    });
    // The same outcome again changes nothing at Slack.
    await run(ctx, 'update_message', {
      channel: posted.channel,
      ts: posted.ts,
      text: 'Approved by <@U0ALICE0001>: containing WS-01',
    });
    expect(fake.effects.filter((e) => e.capability === 'slack.update_message')).toHaveLength(1);
  });

  it('passes given blocks through chat.update and reports message_not_found', async () => {
    const ctx = context();
    const posted = await run(ctx, 'post_approval', { approval_id: 'ap-9', prompt: 'Block 203.0.113.7?' });
    const blocks = [{ type: 'context', elements: [{ type: 'mrkdwn', text: ':x: Rejected' }] }];
    await run(ctx, 'update_message', { channel: posted.channel, ts: posted.ts, text: 'Rejected', blocks });
    expect(fake.messages[0].blocks).toEqual(blocks);
    const err = await caught(
      run(ctx, 'update_message', { channel: posted.channel, ts: '1.000001', text: 'x' }),
    );
    expect(err).toMatchObject({ code: 'message_not_found', retryable: false });
  });

  it('passes the health check with auth.test, and fails it with a bad token', async () => {
    await expect(slack.healthCheck(context())).resolves.toBeUndefined();
    expect(fake.calls[0].path).toBe('/api/auth.test');
    await expect(slack.healthCheck(context({ token: 'xoxb-bad' }))).rejects.toMatchObject({
      code: 'invalid_auth',
    });
  });
});
