import { randomBytes } from 'node:crypto';
import { linkKey, signApprovalLink, verifyApprovalLink } from './approval-link-token';

describe('approval link tokens', () => {
  const key = linkKey(randomBytes(32));
  const claims = {
    tid: '11111111-1111-4111-8111-111111111111',
    aid: '22222222-2222-4222-8222-222222222222',
    rcp: 'apikey:33333333-3333-4333-8333-333333333333',
    ch: 'email' as const,
    exp: Math.floor(Date.now() / 1000) + 600,
  };

  it('round-trips the claims with a fresh jti each time', () => {
    const a = signApprovalLink(key, claims);
    const b = signApprovalLink(key, claims);
    const checked = verifyApprovalLink(key, a);
    expect(checked).toEqual({ ok: true, claims: { ...claims, jti: expect.any(String) } });
    const other = verifyApprovalLink(key, b);
    expect(other.ok && checked.ok && other.claims.jti !== checked.claims.jti).toBe(true);
  });

  it('refuses a token whose claims were changed', () => {
    const [body, sig] = signApprovalLink(key, claims).split('.');
    const forged = Buffer.from(
      Buffer.from(body, 'base64url').toString().replace(claims.rcp, 'apikey:someone-else'),
    ).toString('base64url');
    expect(verifyApprovalLink(key, `${forged}.${sig}`)).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a token signed with another key', () => {
    const token = signApprovalLink(linkKey(randomBytes(32)), claims);
    expect(verifyApprovalLink(key, token)).toEqual({ ok: false, reason: 'signature' });
  });

  it('verifies with any of the keys given, for links signed before a master-key rotation', () => {
    const previous = linkKey(randomBytes(32));
    const current = linkKey(randomBytes(32));
    const old = signApprovalLink(previous, claims);
    expect(verifyApprovalLink(current, old)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyApprovalLink([current, previous], old)).toEqual({
      ok: true,
      claims: { ...claims, jti: expect.any(String) },
    });
    expect(verifyApprovalLink([current, previous], signApprovalLink(current, claims)).ok).toBe(true);
    expect(verifyApprovalLink([current], old)).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses an expired token', () => {
    const token = signApprovalLink(key, { ...claims, exp: Math.floor(Date.now() / 1000) - 1 });
    expect(verifyApprovalLink(key, token)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([undefined, '', 'abc', 'a.b', `${'x'.repeat(20)}.${'y'.repeat(10)}`])(
    'refuses the malformed token %p',
    (token) => {
      expect(verifyApprovalLink(key, token)).toEqual({ ok: false, reason: 'malformed' });
    },
  );
});
