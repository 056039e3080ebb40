import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing (interactions, events, slash commands):
 *
 *   X-Slack-Request-Timestamp: <unix seconds>
 *   X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body bytes>")>
 *
 * The HMAC covers the body exactly as received, before any URL decoding.
 */
export const SLACK_SIGNATURE_VERSION = 'v0';
/** Slack's advice: refuse a request whose timestamp is more than five minutes from our clock. */
export const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 300;

export type SlackSignatureCheck =
  { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'outside-window' | 'mismatch' };

const UNIX_SECONDS = /^\d{1,12}$/;
const SIGNATURE = /^v0=([0-9a-f]{64})$/i;

function digest(signingSecret: string, timestamp: string, rawBody: Buffer | string): Buffer {
  return createHmac('sha256', signingSecret)
    .update(`${SLACK_SIGNATURE_VERSION}:${timestamp}:`, 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest();
}

/** The X-Slack-Signature value for a body, as Slack computes it. */
export function signSlackRequest(
  signingSecret: string,
  timestamp: number | string,
  rawBody: Buffer | string,
): string {
  return `${SLACK_SIGNATURE_VERSION}=${digest(signingSecret, String(timestamp), rawBody).toString('hex')}`;
}

/**
 * Checks a request Slack says it sent: timestamp within the window of `nowMs`, then the signature,
 * compared in constant time. Pass the headers as received and the raw body bytes.
 */
export function verifySlackRequest(args: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer | string;
  nowMs?: number;
  toleranceSeconds?: number;
}): SlackSignatureCheck {
  const { timestamp, signature } = args;
  if (!timestamp || !signature || !args.signingSecret) return { ok: false, reason: 'missing' };
  const presented = SIGNATURE.exec(signature.trim())?.[1];
  if (!UNIX_SECONDS.test(timestamp) || !presented) return { ok: false, reason: 'malformed' };
  const nowSeconds = (args.nowMs ?? Date.now()) / 1000;
  if (Math.abs(nowSeconds - Number(timestamp)) > (args.toleranceSeconds ?? SLACK_TIMESTAMP_TOLERANCE_SECONDS))
    return { ok: false, reason: 'outside-window' };
  const expected = digest(args.signingSecret, timestamp, args.rawBody);
  // Both are 32 bytes: the pattern above admits only 64 hex digits.
  return timingSafeEqual(expected, Buffer.from(presented, 'hex'))
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}
