import { verify, type KeyObject } from 'node:crypto';

export interface AssertionClaims {
  iss: string;
  sub?: string;
  scope: string;
  aud: string;
  iat: number;
  exp: number;
}

export type AssertionCheck =
  { ok: true; claims: AssertionClaims } | { ok: false; status: number; error: string; description: string };

const TIMEFRAME =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

/**
 * Checks a service account's JWT bearer assertion as Google's token endpoint does: RS256 signed by
 * the account's key, our audience, at most an hour long and current, with scopes.
 */
export function checkAssertion(
  assertion: string,
  expected: { publicKey: KeyObject; clientEmail: string; audiences: string[]; nowSeconds: number },
): AssertionCheck {
  const fail = (description: string, status = 400, error = 'invalid_grant'): AssertionCheck => ({
    ok: false,
    status,
    error,
    description,
  });
  const parts = assertion.split('.');
  if (parts.length !== 3) return fail('Invalid JWT: not a compact JWS');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return fail('Invalid JWT: header or claims are not JSON');
  }
  if (header.alg !== 'RS256') return fail('Invalid JWT: the signing algorithm must be RS256');
  if (claims.iss !== expected.clientEmail)
    return fail('The OAuth client was not found.', 401, 'invalid_client');
  const signed = verify(
    'sha256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    expected.publicKey,
    Buffer.from(parts[2], 'base64url'),
  );
  if (!signed) return fail('Invalid JWT Signature.');
  if (typeof claims.aud !== 'string' || !expected.audiences.includes(claims.aud)) {
    return fail(`Invalid JWT: Failed audience check. The expected audience is ${expected.audiences[0]}.`);
  }
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number') return fail(TIMEFRAME);
  const now = expected.nowSeconds;
  if (exp - iat > 3600 || exp <= now || iat > now + 300) return fail(TIMEFRAME);
  if (typeof claims.scope !== 'string' || !claims.scope.trim()) {
    return fail('Invalid OAuth scope or ID token audience provided.', 400, 'invalid_scope');
  }
  if (claims.sub !== undefined && typeof claims.sub !== 'string') return fail('Invalid email or User ID');
  return {
    ok: true,
    claims: {
      iss: claims.iss,
      sub: claims.sub,
      scope: claims.scope,
      aud: claims.aud,
      iat,
      exp,
    },
  };
}
