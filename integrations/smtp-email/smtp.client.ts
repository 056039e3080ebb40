import nodemailer, {
  type NodemailerError,
  type SendMailOptions,
  type SMTPTransportOptions,
} from 'nodemailer';
import { MAX_INLINE_WAIT_MS } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';

export const VENDOR = 'SMTP';
/** Attempts per send, as the HTTP client makes: the first and three retries. */
export const MAX_ATTEMPTS = 4;
const MAX_BACKOFF_MS = 10_000;

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  starttls: boolean;
  from: string;
  defaultTo?: string;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response: string;
}

/** Network trouble that a later attempt can get past. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']);

export function readSettings(ctx: Pick<ActionContext, 'connection'>): SmtpSettings {
  const s = ctx.connection.settings;
  const host = typeof s.host === 'string' ? s.host.trim() : '';
  const from = typeof s.from === 'string' ? s.from.trim() : '';
  if (!host) throw badConnection('the connection has no host');
  if (!from) throw badConnection('the connection has no from address');
  const secure = s.secure === true;
  const port = typeof s.port === 'number' ? s.port : secure ? 465 : 587;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badConnection('port must be 1–65535');
  return {
    host,
    port,
    secure,
    starttls: s.starttls !== false,
    from,
    defaultTo: typeof s.defaultTo === 'string' && s.defaultTo.trim() ? s.defaultTo : undefined,
  };
}

function transportOptions(
  ctx: Pick<ActionContext, 'connection'>,
  settings: SmtpSettings,
): SMTPTransportOptions {
  const { username, password } = ctx.connection.secrets;
  if (Boolean(username) !== Boolean(password))
    throw badConnection('give both username and password, or neither');
  return {
    host: settings.host,
    port: settings.port,
    // `secure`: TLS from the first byte (465). Otherwise STARTTLS, required unless turned off.
    secure: settings.secure,
    requireTLS: !settings.secure && settings.starttls,
    auth: username && password ? { user: username, pass: password } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    // Messages are text we compose; never let a field make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * Sends one message, retrying what SMTP calls temporary (4xx replies, dropped connections) up to
 * MAX_ATTEMPTS times. Waits go through the platform client's sleep (`ctx.http.wait`), so they are
 * injectable like every other wait; a server asking for more than a minute is handed back to
 * Temporal as a retryable error with `retryAfterMs`.
 */
export async function sendMail(ctx: ActionContext, mail: SendMailOptions): Promise<SentMail> {
  const settings = readSettings(ctx);
  const options = transportOptions(ctx, settings);
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(ctx.signal);
    const transport = nodemailer.createTransport(options);
    try {
      const info = await transport.sendMail({ ...mail, signal: ctx.signal });
      return {
        messageId: info.messageId,
        accepted: info.accepted.map(String),
        rejected: info.rejected.map(String),
        response: info.response,
      };
    } catch (err) {
      throwIfAborted(ctx.signal);
      const failure = toVendorError(err, ctx);
      if (!failure.retryable) throw failure;
      const waitMs = failure.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempt - 1));
      if (waitMs > MAX_INLINE_WAIT_MS) throw withMessage(failure, `${failure.message} (retry later)`, waitMs);
      if (attempt >= MAX_ATTEMPTS)
        throw withMessage(failure, `${failure.message} (gave up after ${attempt} attempts)`);
      await ctx.http.wait(waitMs);
    } finally {
      transport.close();
    }
  }
}

/** Connects, upgrades to TLS and logs in, without sending anything. */
export async function verifyConnection(ctx: ActionContext): Promise<void> {
  const transport = nodemailer.createTransport(transportOptions(ctx, readSettings(ctx)));
  try {
    await transport.verify();
  } catch (err) {
    throw toVendorError(err, ctx);
  } finally {
    transport.close();
  }
}

/**
 * A nodemailer failure in the server's own words (`421 4.7.0 Try again later`), retryable when
 * the reply is 4xx or the connection dropped. `status` holds the SMTP reply code; no secret
 * (username, password) survives in the message.
 */
export function toVendorError(err: unknown, ctx: Pick<ActionContext, 'connection'>): VendorError {
  if (err instanceof VendorError) return err;
  const e = (err ?? {}) as NodemailerError;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const serverWords = typeof e.response === 'string' && e.response.trim() ? e.response.trim() : undefined;
  const command = typeof e.command === 'string' && e.command !== 'CONN' ? `${e.command}: ` : '';
  const base = serverWords ? `${command}${serverWords}` : e instanceof Error ? e.message : 'SMTP send failed';
  const retryable =
    reply !== undefined
      ? reply >= 400 && reply < 500
      : typeof e.code === 'string' && TRANSIENT_CODES.has(e.code);
  return new VendorError({
    vendor: VENDOR,
    status: reply,
    code: typeof e.code === 'string' ? e.code : reply ? `SMTP_${reply}` : undefined,
    message: scrub(base.slice(0, 500), ctx),
    retryable,
    retryAfterMs: retryable && serverWords ? waitHint(serverWords) : undefined,
  });
}

/**
 * SMTP has no Retry-After; servers that say how long write it in the text: "try again in 30
 * seconds", "retry after 5 minutes". Milliseconds, or undefined when the reply names no time.
 */
export function waitHint(reply: string): number | undefined {
  const m =
    /(?:try again|retry)(?: later)?(?: in| after)?\s+(\d{1,6})\s*(s|secs?|seconds?|m|mins?|minutes?)\b/i.exec(
      reply,
    );
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2].toLowerCase().startsWith('m') ? n * 60_000 : n * 1000;
}

function scrub(message: string, ctx: Pick<ActionContext, 'connection'>): string {
  let out = message;
  for (const secret of [ctx.connection.secrets.password, ctx.connection.secrets.username]) {
    if (secret && secret.length >= 3) out = out.split(secret).join('[redacted]');
  }
  return out;
}

function withMessage(err: VendorError, message: string, retryAfterMs = err.retryAfterMs): VendorError {
  return new VendorError({
    vendor: err.vendor,
    status: err.status,
    code: err.code,
    message,
    retryable: err.retryable,
    retryAfterMs,
  });
}

export function badConnection(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_CONNECTION', message, retryable: false });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}
