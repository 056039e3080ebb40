import { verifySlackRequest } from '../slack-signature';
import {
  createSlackFake,
  SLACK_FAKE_BOT_TOKEN,
  SLACK_FAKE_SIGNING_SECRET,
  type SlackFake,
} from './slack.fake';

interface SlackBody {
  ok: boolean;
  error?: string;
  channel?: string;
  ts?: string;
  needed?: string;
  warning?: string;
  response_metadata?: { messages?: string[]; warnings?: string[] };
  [key: string]: unknown;
}

/** Raw HTTP against the fake: Slack's shapes, independent of the adapter. */
describe('Slack fake', () => {
  let fake: SlackFake;

  const api = async (
    method: string,
    body?: Record<string, unknown>,
    init: { token?: string | null; contentType?: string } = {},
  ) => {
    const headers: Record<string, string> = {
      'content-type': init.contentType ?? 'application/json; charset=utf-8',
    };
    const token = init.token === undefined ? SLACK_FAKE_BOT_TOKEN : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${fake.url}/api/${method}`, {
      method: 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as SlackBody };
  };
  const post = (body: Record<string, unknown>) => api('chat.postMessage', body);

  beforeEach(async () => {
    fake = createSlackFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  it('answers auth errors with HTTP 200 and ok: false, and auth.test with the bot identity', async () => {
    expect((await api('auth.test', {}, { token: null })).body).toEqual({ ok: false, error: 'not_authed' });
    const bad = await api('chat.postMessage', { channel: 'C0SOCALERTS', text: 'x' }, { token: 'xoxb-nope' });
    expect(bad).toMatchObject({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    expect((await api('auth.test', {})).body).toMatchObject({
      ok: true,
      team_id: 'T0CORDON01',
      user_id: 'U0CORDONBOT',
      bot_id: 'B0CORDONBOT',
    });
  });

  it('posts to a channel by id or name, keeps the message, and records one effect', async () => {
    const byId = await post({ channel: 'C0SOCALERTS', text: 'hello' });
    expect(byId.body).toMatchObject({
      ok: true,
      channel: 'C0SOCALERTS',
      ts: expect.stringMatching(/^\d+\.\d{6}$/),
    });
    const byName = await post({ channel: '#soc-alerts', text: 'again' });
    expect(byName.body.channel).toBe('C0SOCALERTS');
    expect(byName.body.ts).not.toBe(byId.body.ts);
    expect(fake.effects).toEqual([
      { capability: 'notify.send', target: 'C0SOCALERTS' },
      { capability: 'notify.send', target: 'C0SOCALERTS' },
    ]);
    const listed = (await (await fetch(`${fake.url}/__messages`)).json()) as Array<{ text: string }>;
    expect(listed.map((m) => m.text)).toEqual(['hello', 'again']);
  });

  it('answers channel_not_found, not_in_channel, is_archived and no_text as Slack does', async () => {
    expect((await post({ channel: 'C0NOPE', text: 'x' })).body.error).toBe('channel_not_found');
    expect((await post({ channel: 'C0GENERAL01', text: 'x' })).body.error).toBe('not_in_channel');
    expect((await post({ channel: 'C0OLDINCIDT', text: 'x' })).body.error).toBe('is_archived');
    expect((await post({ channel: 'C0SOCALERTS' })).body.error).toBe('no_text');
    expect(fake.effects).toEqual([]);
  });

  it('refuses invalid blocks with the json-pointer messages Slack gives', async () => {
    const res = await post({
      channel: 'C0SOCALERTS',
      text: 'x',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '' } },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'mrkdwn', text: 'Go' }, url: 'ftp://x' }],
        },
      ],
    });
    expect(res.body.error).toBe('invalid_blocks');
    expect(res.body.response_metadata?.messages).toEqual([
      '[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]',
      '[ERROR] must be a valid enum value [json-pointer:/blocks/1/elements/0/text/type]',
      '[ERROR] must be a valid URL [json-pointer:/blocks/1/elements/0/url]',
    ]);
  });

  it('answers missing_scope with the scope needed', async () => {
    await fake.stop();
    fake = createSlackFake({ scopes: ['chat:write'] });
    await fake.start(0);
    const res = await api('users.lookupByEmail?email=soc%40example.com');
    expect(res.body).toMatchObject({
      ok: false,
      error: 'missing_scope',
      needed: 'users:read,users:read.email',
    });
  });

  it('looks users up by e-mail and posts to their DM', async () => {
    const found = await fetch(`${fake.url}/api/users.lookupByEmail?email=SOC%40example.com`, {
      headers: { authorization: `Bearer ${SLACK_FAKE_BOT_TOKEN}` },
    });
    expect(((await found.json()) as { user: { id: string } }).user.id).toBe('U0SOCLEAD01');
    expect((await api('users.lookupByEmail?email=nobody%40example.com')).body.error).toBe('users_not_found');
    expect((await post({ channel: 'U0SOCLEAD01', text: 'psst' })).body.channel).toBe('D0SOCLEAD01');
  });

  it('updates a message: blocks replace blocks, text alone removes them; a repeat records nothing', async () => {
    const { ts } = (
      await post({
        channel: 'C0SOCALERTS',
        text: 'q',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'q' } }],
      })
    ).body;
    const update = (body: Record<string, unknown>) =>
      api('chat.update', { channel: 'C0SOCALERTS', ts, ...body });
    expect((await update({ text: 'done' })).body).toMatchObject({ ok: true, channel: 'C0SOCALERTS', ts });
    expect(fake.messages[0]).toMatchObject({ text: 'done', blocks: [], edited: { user: 'U0CORDONBOT' } });
    await update({ text: 'done' });
    expect(fake.effects.filter((e) => e.capability === 'slack.update_message')).toHaveLength(1);
    expect((await api('chat.update', { channel: '#soc-alerts', ts, text: 'x' })).body.error).toBe(
      'channel_not_found',
    );
    expect((await update({ ts: '1.000001', text: 'x' })).body.error).toBe('message_not_found');
  });

  it('warns missing_charset for JSON without a charset, as Slack does', async () => {
    const res = await post({ channel: 'C0SOCALERTS', text: 'x' });
    expect(res.body.warning).toBeUndefined();
    const bare = await api(
      'chat.postMessage',
      { channel: 'C0SOCALERTS', text: 'x' },
      { contentType: 'application/json' },
    );
    expect(bare.body).toMatchObject({ ok: true, warning: 'missing_charset' });
  });

  it('serves 429 with Retry-After and ratelimited', async () => {
    fake.injectFaults([fake.rateLimitFault(7)]);
    const limited = await post({ channel: 'C0SOCALERTS', text: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    expect(fake.effects).toEqual([]);
  });

  it('builds signed block_actions clicks whose response_url replaces the message', async () => {
    const { ts } = (
      await post({
        channel: 'C0SOCALERTS',
        text: 'Approve?',
        blocks: [
          {
            type: 'actions',
            block_id: 'approval:ap-1',
            elements: [
              {
                type: 'button',
                action_id: 'approve',
                text: { type: 'plain_text', text: 'Approve' },
                value: 'ap-1',
              },
            ],
          },
        ],
      })
    ).body as { ts: string };
    expect(fake.effects).toEqual([{ capability: 'slack.post_approval', target: 'C0SOCALERTS' }]);
    const click = fake.clickButton({ ts, actionId: 'approve', user: 'alice@example.com' });
    expect(click.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(
      verifySlackRequest({
        signingSecret: SLACK_FAKE_SIGNING_SECRET,
        timestamp: click.headers['x-slack-request-timestamp'],
        signature: click.headers['x-slack-signature'],
        rawBody: click.body,
      }),
    ).toEqual({ ok: true });
    const payload = JSON.parse(new URLSearchParams(click.body).get('payload') ?? '') as typeof click.payload;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ALICE0001', team_id: 'T0CORDON01' },
      container: { type: 'message', message_ts: ts, channel_id: 'C0SOCALERTS' },
      channel: { id: 'C0SOCALERTS', name: 'soc-alerts' },
      actions: [{ type: 'button', action_id: 'approve', block_id: 'approval:ap-1', value: 'ap-1' }],
    });

    const replaced = await fetch(payload.response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'Approved by <@U0ALICE0001>' }),
    });
    expect(replaced.status).toBe(200);
    expect(fake.messages[0]).toMatchObject({ ts, text: 'Approved by <@U0ALICE0001>', blocks: [] });
  });
});
