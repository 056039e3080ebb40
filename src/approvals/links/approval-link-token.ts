import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Decision links (e-mail, Teams): `<claims>.<mac>`, both base64url, the MAC an HMAC-SHA256 of the
 * claims under a key derived from the server's master key. A link is bound to one approval and
 * one recipient, expires, and is used once (the use is recorded in PostgreSQL by its `jti`).
 */
export interface ApprovalLinkClaims {
  /** Tenant and approval the link decides. */
  tid: string;
  aid: string;
  /**
   * E-mail: the Cordon actor the recipient decides as ("apikey:<id>"). Teams: "teams:<connection>";
   * a channel card cannot say who clicked, so the decider also presents their API key.
   */
  rcp: string;
  ch: 'email' | 'teams';
  /** Expiry, epoch seconds. */
  exp: number;
  /** Random id: what a use is recorded under. */
  jti: string;
}

export type LinkCheck =
  { ok: true; claims: ApprovalLinkClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** The link-signing key: HKDF of the master key, so a leaked link key reveals no secret. */
export function linkKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'cordon/approval-links/v1', 32));
}

export function signApprovalLink(key: Buffer, claims: Omit<ApprovalLinkClaims, 'jti'>): string {
  const full: ApprovalLinkClaims = { ...claims, jti: randomBytes(12).toString('base64url') };
  const body = Buffer.from(JSON.stringify(full), 'utf8').toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/**
 * `keys`: the current link key first, then those of CORDON_MASTER_KEY_PREVIOUS, so links sent
 * before a master-key rotation still work until they expire.
 */
export function verifyApprovalLink(
  keys: Buffer | readonly Buffer[],
  token: string | undefined,
  nowMs = Date.now(),
): LinkCheck {
  const m = /^([A-Za-z0-9_-]{16,2048})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m) return { ok: false, reason: 'malformed' };
  const presented = Buffer.from(m[2], 'base64url');
  const body = m[1];
  // Every key is tried (no early exit), so the time taken does not say which one matched.
  const matches = (Buffer.isBuffer(keys) ? [keys] : keys).map((key) => {
    const expected = mac(key, body);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  });
  if (!matches.includes(true)) return { ok: false, reason: 'signature' };
  let claims: ApprovalLinkClaims;
  try {
    claims = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as ApprovalLinkClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    typeof claims?.aid !== 'string' ||
    typeof claims.tid !== 'string' ||
    typeof claims.rcp !== 'string' ||
    typeof claims.jti !== 'string' ||
    (claims.ch !== 'email' && claims.ch !== 'teams') ||
    typeof claims.exp !== 'number'
  )
    return { ok: false, reason: 'malformed' };
  if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(body, 'utf8').digest();
}
