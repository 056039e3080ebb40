import type { ParsedVendorError, QueryValue } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';

export const VENDOR = 'Slack';
export const SLACK_DEFAULT_BASE_URL = 'https://slack.com';

/** Every Web API answer: HTTP 200 with `ok`, even when the call failed. */
export interface SlackResponse {
  ok: boolean;
  error?: string;
  warning?: string;
  /** missing_scope: the scope the method needs and those the token has. */
  needed?: string;
  provided?: string;
  response_metadata?: { messages?: string[]; warnings?: string[] };
}

export interface SlackPosted extends SlackResponse {
  channel: string;
  ts: string;
}

/**
 * What Slack's error codes mean to the analyst, and whether trying again can help. Codes not
 * listed are shown as they are and not retried: a retry cannot fix what we do not understand.
 */
const SLACK_ERRORS: Record<string, { message: string; retryable?: boolean }> = {
  not_authed: { message: 'no bot token was sent' },
  invalid_auth: { message: 'the bot token is not valid' },
  account_inactive: { message: 'the bot token belongs to a deactivated user or workspace' },
  token_revoked: { message: 'the bot token was revoked' },
  token_expired: { message: 'the bot token expired' },
  no_permission: { message: 'the token may not do this' },
  missing_scope: { message: 'the bot token lacks a scope this call needs' },
  not_allowed_token_type: { message: 'this call needs a bot token (xoxb-…)' },
  channel_not_found: {
    message: 'the channel does not exist or the app cannot see it (invite the app to private channels)',
  },
  not_in_channel: { message: 'the app is not a member of the channel (/invite the app first)' },
  is_archived: { message: 'the channel is archived' },
  restricted_action: { message: 'the workspace does not allow the app to post in this channel' },
  invalid_blocks: { message: 'Slack refused the message blocks' },
  invalid_blocks_format: { message: 'the blocks are not a valid JSON array' },
  invalid_arguments: { message: 'Slack refused the arguments' },
  msg_too_long: { message: 'the message text is too long' },
  no_text: { message: 'the message has neither text nor blocks' },
  message_not_found: { message: 'no message with this ts in the channel' },
  cant_update_message: { message: 'the app may only update its own messages' },
  edit_window_closed: { message: 'the message can no longer be edited' },
  users_not_found: { message: 'no Slack user has this e-mail address' },
  ratelimited: { message: 'rate limited', retryable: true },
  internal_error: { message: 'Slack had an internal error', retryable: true },
  fatal_error: { message: 'Slack had a fatal error', retryable: true },
  service_unavailable: { message: 'Slack is unavailable', retryable: true },
  request_timeout: { message: 'Slack timed out', retryable: true },
};

/** Slack's `error` code, our words for it, and the details Slack added (scopes, block errors). */
export function describeSlackError(
  body: SlackResponse | undefined,
): ParsedVendorError & { retryable: boolean } {
  const code = typeof body?.error === 'string' && body.error ? body.error : 'unknown_error';
  const known = SLACK_ERRORS[code];
  const details: string[] = [];
  if (body?.needed) details.push(`needed: ${body.needed}`);
  if (body?.provided) details.push(`provided: ${body.provided}`);
  for (const m of body?.response_metadata?.messages ?? []) details.push(m);
  const message = `${code}${known ? `: ${known.message}` : ''}${details.length ? ` (${details.join('; ')})` : ''}`;
  return { code, message, retryable: known?.retryable ?? false };
}

/** For non-200 answers (429, 5xx): Slack still sends `{ok: false, error}`. */
export function slackParseError(status: number, body: unknown): ParsedVendorError {
  if (body && typeof body === 'object' && typeof (body as SlackResponse).error === 'string') {
    const { code, message } = describeSlackError(body as SlackResponse);
    return { code, message };
  }
  return { message: `HTTP ${status}` };
}

export function badInput(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_INPUT', message, retryable: false });
}

/** Slack Web API calls for one connection, through the platform's shared client. */
export class SlackClient {
  private readonly token: string;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    const token = ctx.connection.secrets.botToken;
    if (!token) {
      throw new VendorError({
        vendor: VENDOR,
        code: 'MISSING_CREDENTIALS',
        message: 'the connection has no botToken',
        retryable: false,
      });
    }
    this.token = token;
  }

  /** A write method (`chat.postMessage`, `chat.update`…), JSON body. */
  post<T extends SlackResponse>(method: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>({
      method: 'POST',
      path: `/api/${method}`,
      json: body,
      // Slack warns (missing_charset) about JSON bodies that do not name their charset.
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }

  /** A read method (`users.lookupByEmail`…), arguments in the query string. */
  get<T extends SlackResponse>(method: string, query: Record<string, QueryValue>): Promise<T> {
    return this.send<T>({ method: 'GET', path: `/api/${method}`, query });
  }

  /** The channel to post to: `to`, else the connection's default; an e-mail address means that user's DM. */
  async destination(to: string | undefined): Promise<string> {
    const setting = this.ctx.connection.settings.defaultChannel;
    const dest = (to ?? (typeof setting === 'string' ? setting : '')).trim();
    if (!dest) throw badInput('no destination: give `to` or set the defaultChannel setting');
    if (!dest.includes('@')) return dest;
    const found = await this.get<SlackResponse & { user?: { id?: string } }>('users.lookupByEmail', {
      email: dest,
    });
    const id = found.user?.id;
    if (!id) throw badInput(`Slack did not return a user for ${dest}`);
    // chat.postMessage with a user id posts to the app's DM with that user.
    return id;
  }

  private async send<T extends SlackResponse>(req: {
    method: string;
    path: string;
    json?: unknown;
    query?: Record<string, QueryValue>;
    headers?: Record<string, string>;
  }): Promise<T> {
    const res = await this.ctx.http.request<T>({
      ...req,
      headers: { ...req.headers, authorization: `Bearer ${this.token}` },
      signal: this.ctx.signal,
      parseError: slackParseError,
    });
    const body = res.body;
    if (!body || typeof body !== 'object') {
      throw new VendorError({
        vendor: VENDOR,
        status: res.status,
        code: 'BAD_RESPONSE',
        message: `${req.method} ${req.path} answered without a JSON body`,
        retryable: true,
      });
    }
    if (body.ok !== true) {
      const { code, message, retryable } = describeSlackError(body);
      throw new VendorError({ vendor: VENDOR, status: res.status, code, message, retryable });
    }
    return body;
  }
}

/** Links go into buttons and mail: only http(s), so no `javascript:` ever reaches a person. */
export function checkLink(link: unknown): string | undefined {
  if (link === undefined || link === null || link === '') return undefined;
  if (typeof link !== 'string') throw badInput('link must be a string');
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw badInput('link must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('link must be an http(s) URL');
  if (link.length > 3000) throw badInput('link is longer than the 3000 characters Slack allows');
  return link;
}

export function requiredText(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value.trim()) throw badInput(`${name} is required`);
  return value;
}

export function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badInput(`${name} must be a string`);
  return value;
}
