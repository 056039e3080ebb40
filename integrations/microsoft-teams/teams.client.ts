import { defaultParseError, type ParsedVendorError } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';
import { clientForOrigin, queryOf } from '../../src/integrations/kit/vendor-endpoint';

export const VENDOR = 'Microsoft Teams';
/** Teams refuses messages over 28 KB; stay under it with room for the envelope. */
const MAX_PAYLOAD_BYTES = 27 * 1024;
const REDACTED = '[webhook URL]';

export interface TeamsCardInput {
  title: string;
  text: string;
  link?: string;
}

export interface TeamsDelivery {
  status: number;
  /** `x-ms-workflow-run-id` (Workflows) or `request-id` (connectors) when Teams sends one. */
  requestId?: string;
}

/** The message wrapper around one Adaptive Card: a title, the text, an "Open" link action. */
export function adaptiveCardMessage(card: TeamsCardInput): Record<string, unknown> {
  const title = card.title.length > 256 ? `${card.title.slice(0, 255)}…` : card.title;
  const build = (text: string) => ({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              text: title,
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
              style: 'heading',
            },
            { type: 'TextBlock', text, wrap: true },
          ],
          ...(card.link
            ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in Cordon', url: card.link }] }
            : {}),
        },
      },
    ],
  });
  const whole = build(card.text);
  if (bytes(whole) <= MAX_PAYLOAD_BYTES) return whole;
  // Cut the text, not the card: the longest prefix that still fits.
  let [fits, tooLong] = [0, card.text.length];
  while (tooLong - fits > 1) {
    const mid = Math.floor((fits + tooLong) / 2);
    if (bytes(build(`${card.text.slice(0, mid)}…`)) <= MAX_PAYLOAD_BYTES) fits = mid;
    else tooLong = mid;
  }
  const message = build(`${card.text.slice(0, fits)}…`);
  return message;
}

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Connector errors come as text; Workflows errors as `{error: {code, message}}`. */
export function teamsParseError(status: number, body: unknown): ParsedVendorError {
  if (typeof body === 'string' && body.trim()) return { message: body.trim().slice(0, 500) };
  return defaultParseError(status, body);
}

/**
 * Office 365 connectors answer 200 even when Teams refused the message; only a number in the body
 * (the count of messages sent, "1") means it went out. The failure text names Teams' own status.
 */
const WRAPPED_FAILURE = /Webhook message delivery failed|Microsoft Teams endpoint returned HTTP error/i;
const WRAPPED_STATUS = /returned HTTP error (\d{3})/i;

/** Posts JSON to the connection's webhook URL, which is a credential and never shown. */
export async function postToWebhook(ctx: ActionContext, payload: unknown): Promise<TeamsDelivery> {
  const url = webhookUrl(ctx);
  const http = clientForOrigin(ctx.http, url.origin);
  try {
    const res = await http.request<unknown>({
      method: 'POST',
      path: url.pathname,
      query: queryOf(url),
      json: payload,
      signal: ctx.signal,
      parseError: teamsParseError,
    });
    const text =
      typeof res.body === 'string' ? res.body.trim() : res.body === undefined ? '' : JSON.stringify(res.body);
    if (res.status === 200 && !/^\d+$/.test(text) && WRAPPED_FAILURE.test(text)) {
      const innerText = WRAPPED_STATUS.exec(text)?.[1];
      const inner = innerText ? Number(innerText) : undefined;
      throw new VendorError({
        vendor: VENDOR,
        status: inner ?? res.status,
        code: inner ? `TEAMS_HTTP_${inner}` : 'DELIVERY_FAILED',
        // The ContextId is Microsoft's correlation id: useful to their support, harmless to show.
        message: text.slice(0, 500),
        retryable: inner === undefined || inner === 429 || inner >= 500,
      });
    }
    const requestId = res.headers.get('x-ms-workflow-run-id') ?? res.headers.get('request-id') ?? undefined;
    return { status: res.status, requestId };
  } catch (err) {
    throw redact(err, url);
  }
}

function webhookUrl(ctx: ActionContext): URL {
  const raw = ctx.connection.secrets.webhookUrl;
  const fail = (message: string) =>
    new VendorError({ vendor: VENDOR, code: 'BAD_CONNECTION', message, retryable: false });
  if (!raw) throw fail('the connection has no webhookUrl');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail('webhookUrl is not a URL');
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  // The URL is the credential: it must not travel in clear text (a local fake excepted).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw fail('webhookUrl must be an https:// URL');
  return url;
}

/** Timeouts and network errors name the request path, and this path holds the webhook's secret. */
function redact(err: unknown, url: URL): unknown {
  if (!(err instanceof VendorError)) return err;
  const secrets = [url.href, url.pathname, decodeURIComponent(url.pathname)].filter((s) => s.length > 1);
  let message = err.message;
  for (const secret of secrets) message = message.split(secret).join(REDACTED);
  if (message === err.message) return err;
  return new VendorError({
    vendor: err.vendor,
    status: err.status,
    code: err.code,
    message,
    retryable: err.retryable,
    retryAfterMs: err.retryAfterMs,
  });
}
