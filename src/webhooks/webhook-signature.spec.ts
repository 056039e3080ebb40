import { createHmac } from 'node:crypto';
import {
  checkTimestamp,
  generateWebhookSecret,
  parseSignatureHeader,
  signWebhook,
  verifyWebhookSignature,
} from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';
  const body = Buffer.from('{"id":"ldt:1","severity":90}', 'utf8');

  it('is v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>, keyed by the secret text', () => {
    const expected = createHmac('sha256', secret)
      .update(`1700000000.${body.toString('utf8')}`)
      .digest('hex');
    expect(signWebhook(secret, 1700000000, body)).toBe(`v1=${expected}`);
    expect(signWebhook(secret, '1700000000', body.toString('utf8'))).toBe(`v1=${expected}`);
  });

  it('verifies a correct signature and refuses any change to secret, timestamp or body', () => {
    const header = signWebhook(secret, 1700000000, body);
    const ok = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secrets: [secret], timestamp: '1700000000', body, header, ...over });
    expect(ok({})).toBe(true);
    expect(ok({ header: header.toUpperCase().replace('V1=', 'v1=') })).toBe(true);
    expect(ok({ secrets: ['another-secret'] })).toBe(false);
    expect(ok({ secrets: [] })).toBe(false);
    expect(ok({ timestamp: '1700000001' })).toBe(false);
    expect(ok({ body: Buffer.from('{"id":"ldt:1","severity":91}') })).toBe(false);
    expect(ok({ header: undefined })).toBe(false);
    expect(ok({ header: header.slice(0, -2) })).toBe(false);
    expect(ok({ header: header.replace('v1=', 'v0=') })).toBe(false);
  });

  it('is computed over the raw bytes: re-serialised JSON does not verify', () => {
    const raw = Buffer.from('{ "a": 1 }');
    const header = signWebhook(secret, 1, raw);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(verifyWebhookSignature({ secrets: [secret], timestamp: '1', body: raw, header })).toBe(true);
    expect(verifyWebhookSignature({ secrets: [secret], timestamp: '1', body: reserialised, header })).toBe(
      false,
    );
  });

  it('accepts any of several secrets (rotation overlap) and any of several v1 values', () => {
    const header = signWebhook('old-secret', 5, body);
    expect(
      verifyWebhookSignature({ secrets: ['new-secret', 'old-secret'], timestamp: '5', body, header }),
    ).toBe(true);
    const both = `${signWebhook('unknown', 5, body)}, ${signWebhook('new-secret', 5, body)}`;
    expect(verifyWebhookSignature({ secrets: ['new-secret'], timestamp: '5', body, header: both })).toBe(
      true,
    );
  });

  it('ignores malformed header entries', () => {
    expect(
      parseSignatureHeader('v1=zz, v2=' + 'a'.repeat(64) + ', junk, v1=' + 'ab'.repeat(32)),
    ).toHaveLength(1);
    expect(parseSignatureHeader('')).toEqual([]);
  });

  it('checks the timestamp against a 5 minute window either side', () => {
    const now = 1_700_000_000_000;
    expect(checkTimestamp('1700000000', now)).toEqual({ ok: true, seconds: 1700000000 });
    expect(checkTimestamp('1700000300', now)).toEqual({ ok: true, seconds: 1700000300 });
    expect(checkTimestamp('1699999700', now)).toEqual({ ok: true, seconds: 1699999700 });
    expect(checkTimestamp('1700000301', now)).toEqual({ ok: false, reason: 'outside-window' });
    expect(checkTimestamp('1699999699', now)).toEqual({ ok: false, reason: 'outside-window' });
    expect(checkTimestamp(undefined, now)).toEqual({ ok: false, reason: 'missing' });
    for (const bad of ['1700000000.5', '-1', '1e9', ' 1700000000', '1700000000000000'])
      expect(checkTimestamp(bad, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('generates 32-byte base64url secrets', () => {
    const s = generateWebhookSecret();
    expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(s, 'base64url')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(s);
  });
});
