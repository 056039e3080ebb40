import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signing contract, pure so the sender's side can be tested against the receiver's:
 *
 *   X-Cordon-Timestamp: <unix seconds>
 *   X-Cordon-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body bytes>")>
 *
 * The HMAC key is the secret exactly as shown at creation (its ASCII text, not base64-decoded).
 * Several `v1=` values may be sent, comma-separated; one matching is enough.
 */
export const SIGNATURE_SCHEME = 'v1';
/** How far X-Cordon-Timestamp may be from the receiver's clock, either side. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

const DIGEST_HEX = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

/** 32 random bytes, base64url: the signing secret handed to the sender once. */
export function generateWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

function digest(secret: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac('sha256', secret)
    .update(`${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
}

/** The X-Cordon-Signature value for a body, as a sender computes it. */
export function signWebhook(secret: string, timestamp: number | string, body: Buffer | string): string {
  return `${SIGNATURE_SCHEME}=${digest(secret, String(timestamp), body).toString('hex')}`;
}

/** The v1 digests in a signature header; malformed entries and other schemes are ignored. */
export function parseSignatureHeader(header: string | undefined): Buffer[] {
  if (!header) return [];
  const out: Buffer[] = [];
  for (const part of header.split(',').slice(0, 8)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const scheme = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (scheme === SIGNATURE_SCHEME && DIGEST_HEX.test(value)) out.push(Buffer.from(value, 'hex'));
  }
  return out;
}

/**
 * Parses X-Cordon-Timestamp and checks it is within the tolerance of `nowMs`.
 * Returns the seconds, or a reason it was refused.
 */
export function checkTimestamp(
  header: string | undefined,
  nowMs: number,
  toleranceSeconds = TIMESTAMP_TOLERANCE_SECONDS,
): { ok: true; seconds: number } | { ok: false; reason: 'missing' | 'malformed' | 'outside-window' } {
  if (!header) return { ok: false, reason: 'missing' };
  if (!UNIX_SECONDS.test(header)) return { ok: false, reason: 'malformed' };
  const seconds = Number(header);
  if (Math.abs(nowMs / 1000 - seconds) > toleranceSeconds) return { ok: false, reason: 'outside-window' };
  return { ok: true, seconds };
}

/**
 * True when some presented v1 digest matches some candidate secret. Every pair is compared in
 * constant time and the loop never exits early, so timing tells nothing about which one matched.
 */
export function verifyWebhookSignature(args: {
  secrets: readonly string[];
  timestamp: string;
  body: Buffer;
  header: string | undefined;
}): boolean {
  const presented = parseSignatureHeader(args.header);
  let matched = false;
  for (const secret of args.secrets) {
    const expected = digest(secret, args.timestamp, args.body);
    for (const given of presented) {
      // Lengths are equal by construction (parseSignatureHeader accepts 32-byte digests only).
      if (timingSafeEqual(expected, given)) matched = true;
    }
  }
  return matched;
}
