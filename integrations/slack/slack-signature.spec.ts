import { createHmac } from 'node:crypto';
import { signSlackRequest, verifySlackRequest } from './slack-signature';

describe('Slack request signatures', () => {
  // The worked example from Slack's "Verifying requests from Slack" guide.
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const timestamp = '1531420618';
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&' +
    'channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&' +
    'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&' +
    'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const expected = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
  const at = Number(timestamp) * 1000;

  it('signs as Slack does: v0 = hex HMAC-SHA256 of "v0:<ts>:<raw body>"', () => {
    expect(signSlackRequest(secret, timestamp, body)).toBe(expected);
    const byHand = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
    expect(signSlackRequest(secret, Number(timestamp), Buffer.from(body))).toBe(`v0=${byHand}`);
  });

  it('accepts a genuine request inside the five-minute window', () => {
    const check = (nowMs: number) =>
      verifySlackRequest({ signingSecret: secret, timestamp, signature: expected, rawBody: body, nowMs });
    expect(check(at)).toEqual({ ok: true });
    expect(check(at + 299_000)).toEqual({ ok: true });
    expect(check(at - 299_000)).toEqual({ ok: true });
    expect(check(at + 301_000)).toEqual({ ok: false, reason: 'outside-window' });
    expect(check(at - 301_000)).toEqual({ ok: false, reason: 'outside-window' });
  });

  it('refuses a changed body, another secret, and missing or malformed headers', () => {
    const verify = (over: Partial<Parameters<typeof verifySlackRequest>[0]>) =>
      verifySlackRequest({
        signingSecret: secret,
        timestamp,
        signature: expected,
        rawBody: body,
        nowMs: at,
        ...over,
      });
    expect(verify({ rawBody: `${body}&x=1` })).toEqual({ ok: false, reason: 'mismatch' });
    // The HMAC covers the raw bytes: the URL-decoded form does not verify.
    expect(verify({ rawBody: decodeURIComponent(body) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ signingSecret: 'another-secret' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ signature: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ signature: expected.replace('v0=', 'v1=') })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ signature: 'v0=abc' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ timestamp: '15314206l8' })).toEqual({ ok: false, reason: 'malformed' });
    // The signature is bound to its timestamp.
    expect(verify({ timestamp: String(Number(timestamp) + 1) })).toEqual({ ok: false, reason: 'mismatch' });
  });
});
