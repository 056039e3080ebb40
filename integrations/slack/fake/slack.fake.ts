import { randomBytes } from 'node:crypto';
import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import { APPROVAL_BLOCK_PREFIX } from '../slack-blocks';
import { blockErrors } from './block-checks';
import {
  blockActionsPayload,
  FAKE_CLICKER,
  signInteraction,
  type SignedInteraction,
  type SlackUserRef,
} from './slack-interaction';
import {
  DEFAULT_CHANNELS,
  DEFAULT_USERS,
  FAKE_BOT,
  FAKE_TEAM,
  FakeWorkspace,
  type FakeChannel,
  type FakeMessage,
  type FakeUser,
} from './workspace';

export type { FakeChannel, FakeMessage, FakeUser } from './workspace';

export const SLACK_FAKE_BOT_TOKEN = 'xoxb-0000000001-0000000002-fakecordonbottoken01';
export const SLACK_FAKE_SIGNING_SECRET = 'fake-slack-signing-secret-0123456789ab';
export const SLACK_FAKE_DEFAULT_CHANNEL = 'C0SOCALERTS';
const DEFAULT_SCOPES = ['chat:write', 'users:read', 'users:read.email'];
const TEXT_MAX = 40_000;

export interface SlackFakeOptions {
  botToken?: string;
  /** Scopes the token has; a method needing another answers missing_scope. */
  scopes?: string[];
  channels?: FakeChannel[];
  users?: FakeUser[];
  /** Signs the interactions `clickButton` builds. */
  signingSecret?: string;
  now?: () => number;
}

type Body = Record<string, unknown>;

/**
 * A local Slack Web API: auth.test, chat.postMessage, chat.update and users.lookupByEmail with
 * Slack's `ok: false` errors, plus response_url posts and signed button clicks for tests.
 * See README.md for the routes and controls.
 */
export class SlackFake extends RecordingFakeServer {
  readonly workspace: FakeWorkspace;
  private readonly botToken: string;
  private readonly scopes: string[];
  private readonly signingSecret: string;
  private readonly now: () => number;
  /** response_url token → the message it may replace. */
  private readonly responseUrls = new Map<string, { channel: string; ts: string }>();

  constructor(options: SlackFakeOptions = {}) {
    super();
    this.botToken = options.botToken ?? SLACK_FAKE_BOT_TOKEN;
    this.scopes = options.scopes ?? DEFAULT_SCOPES;
    this.signingSecret = options.signingSecret ?? SLACK_FAKE_SIGNING_SECRET;
    this.now = options.now ?? Date.now;
    this.workspace = new FakeWorkspace(
      options.channels ?? DEFAULT_CHANNELS,
      options.users ?? DEFAULT_USERS,
      this.now,
    );

    for (const method of ['GET', 'POST'])
      this.route(
        method,
        '/api/auth.test',
        this.authed([], () => this.authTest()),
      );
    this.route(
      'POST',
      '/api/chat.postMessage',
      this.authed(['chat:write'], (req, body) => this.postMessage(req, body)),
    );
    this.route(
      'POST',
      '/api/chat.update',
      this.authed(['chat:write'], (req, body) => this.update(req, body)),
    );
    for (const method of ['GET', 'POST'])
      this.route(
        method,
        '/api/users.lookupByEmail',
        this.authed(['users:read', 'users:read.email'], (_req, body) => this.lookupByEmail(body)),
      );
    this.route('POST', '/actions/:team/:id/:token', (req) => this.respond(req));
    this.route('GET', '/__messages', () => ({ status: 200, body: this.workspace.messages }));
  }

  get messages(): readonly FakeMessage[] {
    return this.workspace.messages;
  }

  /**
   * The signed request Slack would send to the app's Request URL when `user` clicks the button
   * `actionId` on message `ts`; its response_url points back at this fake.
   */
  clickButton(args: {
    ts: string;
    actionId: string;
    channel?: string;
    /** A user id or e-mail address of a workspace member; Alice by default. */
    user?: string;
    signingSecret?: string;
    timestamp?: number;
  }): SignedInteraction {
    const message = this.workspace.messages.find(
      (m) => m.ts === args.ts && (!args.channel || m.channel === args.channel),
    );
    if (!message) throw new Error(`no message with ts ${args.ts}`);
    const found = findButton(message.blocks, args.actionId);
    if (!found) throw new Error(`message ${args.ts} has no button ${args.actionId}`);
    const channel = this.workspace.channel(message.channel);
    const token = randomBytes(12).toString('base64url');
    this.responseUrls.set(token, { channel: message.channel, ts: message.ts });
    const payload = blockActionsPayload({
      channel: { id: message.channel, name: channel?.name ?? message.channel },
      message: this.wireMessage(message),
      action: {
        action_id: args.actionId,
        block_id: found.blockId,
        text: found.button.text as { type: 'plain_text'; text: string },
        value: found.button.value as string | undefined,
        style: found.button.style as string | undefined,
      },
      user: args.user ? this.userRef(args.user) : FAKE_CLICKER,
      responseUrl: `${this.url}/actions/${FAKE_TEAM.id}/${Date.now()}/${token}`,
      nowMs: this.now(),
    });
    return signInteraction(
      payload,
      args.signingSecret ?? this.signingSecret,
      args.timestamp ?? Math.floor(this.now() / 1000),
    );
  }

  /** Slack's 429: `Retry-After` in seconds and `{ok: false, error: "ratelimited"}`. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: { ok: false, error: 'ratelimited' },
    };
  }

  protected override errorBody(status: number, message: string): unknown {
    const error =
      status === 429
        ? 'ratelimited'
        : status === 404
          ? 'unknown_method'
          : status >= 500
            ? 'fatal_error'
            : 'invalid_request';
    return { ok: false, error, response_metadata: { messages: [message] } };
  }

  /** Token (header, or `token` in a form body) and scopes; Slack answers both with HTTP 200. */
  private authed(needs: string[], handler: (req: FakeRequest, body: Body) => FakeResponse): FakeHandler {
    return (req) => {
      const body = requestBody(req);
      const header = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = header ?? (typeof body.token === 'string' ? body.token : undefined);
      if (!token) return slackError('not_authed');
      if (token !== this.botToken) return slackError('invalid_auth');
      const missing = needs.filter((s) => !this.scopes.includes(s));
      if (missing.length)
        return slackError('missing_scope', { needed: missing.join(','), provided: this.scopes.join(',') });
      const res = handler(req, body);
      // Slack's warning for JSON bodies that do not say charset=utf-8.
      const type = req.headers['content-type'] ?? '';
      if (req.method === 'POST' && type.includes('json') && !/charset=utf-8/i.test(type) && isOk(res.body)) {
        res.body = {
          ...(res.body as Body),
          warning: 'missing_charset',
          response_metadata: { warnings: ['missing_charset'] },
        };
      }
      return res;
    };
  }

  private authTest(): FakeResponse {
    return ok({
      url: `https://${FAKE_TEAM.domain}.slack.com/`,
      team: FAKE_TEAM.name,
      user: FAKE_BOT.name,
      team_id: FAKE_TEAM.id,
      user_id: FAKE_BOT.userId,
      bot_id: FAKE_BOT.botId,
      is_enterprise_install: false,
    });
  }

  private postMessage(_req: FakeRequest, body: Body): FakeResponse {
    const ref = typeof body.channel === 'string' ? body.channel.trim() : '';
    if (!ref) return slackError('channel_not_found');
    const channel = this.workspace.channel(ref);
    if (!channel) return slackError('channel_not_found');
    if (channel.archived) return slackError('is_archived');
    if (!channel.botIsMember) return slackError('not_in_channel');
    const content = this.content(body);
    if ('error' in content) return content.error;
    if (!content.text && !content.blocks.length) return slackError('no_text');
    const message: FakeMessage = {
      channel: channel.id,
      ts: this.workspace.nextTs(),
      text: content.text,
      blocks: content.blocks,
      user: FAKE_BOT.userId,
      ...(body.metadata !== undefined ? { metadata: parseMaybeJson(body.metadata) } : {}),
    };
    this.workspace.messages.push(message);
    const approval = message.blocks.some(
      (b) => typeof b.block_id === 'string' && b.block_id.startsWith(APPROVAL_BLOCK_PREFIX),
    );
    this.recordEffect(approval ? 'slack.post_approval' : 'notify.send', channel.id);
    return ok({ channel: channel.id, ts: message.ts, message: this.wireMessage(message) });
  }

  private update(_req: FakeRequest, body: Body): FakeResponse {
    const channelId = typeof body.channel === 'string' ? body.channel : '';
    // chat.update takes channel ids only, never names.
    const channel = this.workspace.channels.find((c) => c.id === channelId);
    if (!channel) return slackError('channel_not_found');
    const message = this.workspace.message(channel.id, typeof body.ts === 'string' ? body.ts : '');
    if (!message) return slackError('message_not_found');
    if (message.user !== FAKE_BOT.userId) return slackError('cant_update_message');
    const content = this.content(body);
    if ('error' in content) return content.error;
    if (!content.text && body.blocks === undefined) return slackError('no_text');
    // Blocks given replace the old ones; text without blocks removes them.
    const next = { text: content.text, blocks: body.blocks === undefined ? [] : content.blocks };
    if (JSON.stringify(next) !== JSON.stringify({ text: message.text, blocks: message.blocks })) {
      Object.assign(message, next, { edited: { user: FAKE_BOT.userId, ts: this.workspace.nextTs() } });
      this.recordEffect('slack.update_message', `${channel.id}:${message.ts}`);
    }
    return ok({
      channel: channel.id,
      ts: message.ts,
      text: message.text,
      message: this.wireMessage(message),
    });
  }

  private lookupByEmail(body: Body): FakeResponse {
    const email = typeof body.email === 'string' ? body.email : '';
    const user = email ? this.workspace.userByEmail(email) : undefined;
    if (!user) return slackError('users_not_found');
    return ok({
      user: {
        id: user.id,
        team_id: FAKE_TEAM.id,
        name: user.name,
        real_name: user.realName,
        deleted: false,
        is_bot: false,
        profile: { email: user.email, real_name: user.realName, display_name: user.name },
      },
    });
  }

  /** response_url: replace or delete the clicked message, or post a new one in its channel. */
  private respond(req: FakeRequest): FakeResponse {
    const target = this.responseUrls.get(req.params.token ?? '');
    if (!target) return { status: 404, body: { ok: false, error: 'expired_url' } };
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Body;
    const message = this.workspace.message(target.channel, target.ts);
    if (body.delete_original === true && message) {
      this.workspace.messages.splice(this.workspace.messages.indexOf(message), 1);
      return ok({});
    }
    const content = this.content(body);
    if ('error' in content) return content.error;
    if (body.replace_original === true && message) {
      Object.assign(message, { text: content.text, blocks: content.blocks });
      this.recordEffect('slack.update_message', `${target.channel}:${target.ts}`);
    } else {
      this.workspace.messages.push({
        channel: target.channel,
        ts: this.workspace.nextTs(),
        text: content.text,
        blocks: content.blocks,
        user: FAKE_BOT.userId,
      });
    }
    return ok({});
  }

  /** Text and blocks from a JSON or form body, with Slack's checks. */
  private content(body: Body): { text: string; blocks: Body[] } | { error: FakeResponse } {
    const text = typeof body.text === 'string' ? body.text : '';
    if (text.length > TEXT_MAX) return { error: slackError('msg_too_long') };
    if (body.blocks === undefined) return { text, blocks: [] };
    const blocks = parseMaybeJson(body.blocks);
    if (blocks === INVALID_JSON) return { error: slackError('invalid_blocks_format') };
    const problems = blockErrors(blocks);
    if (problems.length)
      return { error: slackError('invalid_blocks', { response_metadata: { messages: problems } }) };
    return { text, blocks: blocks as Body[] };
  }

  private wireMessage(m: FakeMessage): Record<string, unknown> & { ts: string } {
    return {
      type: 'message',
      subtype: 'bot_message',
      user: m.user,
      bot_id: FAKE_BOT.botId,
      app_id: FAKE_BOT.appId,
      team: FAKE_TEAM.id,
      text: m.text,
      ts: m.ts,
      blocks: m.blocks,
      ...(m.edited ? { edited: m.edited } : {}),
      ...(m.metadata !== undefined ? { metadata: m.metadata } : {}),
    };
  }

  private userRef(ref: string): SlackUserRef {
    const user = this.workspace.user(ref);
    if (!user) throw new Error(`no workspace user ${ref}`);
    return { id: user.id, username: user.name, name: user.name, team_id: FAKE_TEAM.id };
  }
}

/** Starts nothing: call `start()` on the result. */
export function createSlackFake(options: SlackFakeOptions = {}): SlackFake {
  return new SlackFake(options);
}

const INVALID_JSON = Symbol('invalid JSON');

/** Form bodies carry blocks and metadata as JSON strings. */
function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

/** The method's arguments: a JSON or form body, or the query string. */
function requestBody(req: FakeRequest): Body {
  const fromQuery = Object.fromEntries(req.query);
  return req.body && typeof req.body === 'object' && !Array.isArray(req.body)
    ? { ...fromQuery, ...(req.body as Body) }
    : fromQuery;
}

function ok(fields: Body): FakeResponse {
  return { status: 200, body: { ok: true, ...fields } };
}

function slackError(error: string, extra: Body = {}): FakeResponse {
  return { status: 200, body: { ok: false, error, ...extra } };
}

function isOk(body: unknown): boolean {
  return !!body && typeof body === 'object' && (body as Body).ok === true;
}

function findButton(blocks: Body[], actionId: string): { blockId: string; button: Body } | undefined {
  for (const block of blocks) {
    const elements = Array.isArray(block.elements) ? (block.elements as Body[]) : [];
    const candidates = block.accessory ? [block.accessory as Body, ...elements] : elements;
    const button = candidates.find((e) => e.type === 'button' && e.action_id === actionId);
    if (button)
      return { blockId: typeof block.block_id === 'string' ? block.block_id : 'fake-block', button };
  }
  return undefined;
}
