import { createHash } from 'node:crypto';
import { defaultParseError, type ParsedVendorError } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';
import { signWebhook } from '../../src/webhooks/webhook-signature';
import { clientForOrigin, queryOf } from '../../src/integrations/kit/vendor-endpoint';

export const VENDOR = 'Webhook';
export const USER_AGENT = 'Cordon-Webhook/1.0';

/** What a receiver gets: always these four keys (null when absent), `to` when the step named one. */
export interface WebhookPayload {
  subject: string | null;
  text: string;
  link: string | null;
  sent_at: string;
  to?: string;
}

export type WebhookEvent = 'notification' | 'ping';

/** Receivers answer in any shape; quote text bodies as they are, JSON ones the usual way. */
export function webhookParseError(status: number, body: unknown): ParsedVendorError {
  if (typeof body === 'string' && body.trim()) return { message: body.trim().slice(0, 500) };
  return defaultParseError(status, body);
}

/**
 * POSTs a payload to the connection's URL, signed as Cordon's own inbound webhooks are:
 * `X-Cordon-Timestamp`, `X-Cordon-Signature: v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>`, plus
 * `X-Cordon-Delivery` (stable across retries of the step) for receivers to dedupe on.
 */
export async function deliver(
  ctx: ActionContext,
  payload: WebhookPayload,
  event: WebhookEvent,
  now: () => number = Date.now,
): Promise<{ status: number; deliveryId: string }> {
  const url = destination(ctx);
  const secret = ctx.connection.secrets.signingSecret;
  if (!secret) throw badConnection('the connection has no signingSecret');
  // The client sends JSON.stringify(json): signing that same string signs the bytes sent.
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(now() / 1000);
  const delivery = deliveryId(ctx.idempotencyKey);
  try {
    const res = await clientForOrigin(ctx.http, url.origin).request<unknown>({
      method: 'POST',
      path: url.pathname,
      query: queryOf(url),
      json: payload,
      headers: {
        'user-agent': USER_AGENT,
        'x-cordon-event': event,
        'x-cordon-delivery': delivery,
        'x-cordon-timestamp': String(timestamp),
        'x-cordon-signature': signWebhook(secret, timestamp, body),
      },
      signal: ctx.signal,
      parseError: webhookParseError,
    });
    return { status: res.status, deliveryId: delivery };
  } catch (err) {
    throw redactPath(err, url);
  }
}

function destination(ctx: ActionContext): URL {
  const raw = ctx.connection.settings.url;
  if (typeof raw !== 'string' || !raw) throw badConnection('the connection has no url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badConnection('url is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badConnection('url must be http(s)');
  if (url.username || url.password) throw badConnection('url must not carry a user or password');
  return url;
}

function badConnection(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_CONNECTION', message, retryable: false });
}

/**
 * The step's idempotency key as a header: visible ASCII (anything else percent-encoded), at most
 * 128 characters like Cordon's own X-Cordon-Delivery; a longer key is sent as its SHA-256.
 */
export function deliveryId(idempotencyKey: string): string {
  const safe = idempotencyKey.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
  return safe.length <= 128 ? safe : `sha256:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}

/**
 * Timeouts and network errors name the request path; receivers such as Zapier or Make put their
 * secret in it, so it is masked.
 */
function redactPath(err: unknown, url: URL): unknown {
  if (!(err instanceof VendorError) || url.pathname.length < 2 || !err.message.includes(url.pathname))
    return err;
  return new VendorError({
    vendor: err.vendor,
    status: err.status,
    code: err.code,
    message: err.message.split(url.pathname).join(`${url.host}/…`),
    retryable: err.retryable,
    retryAfterMs: err.retryAfterMs,
  });
}
