import { HttpClient } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import {
  createSmtpFake,
  SMTP_FAKE_PASSWORD,
  SMTP_FAKE_USERNAME,
  type SmtpFake,
} from './fake/smtp-email.fake';
import smtp from './index';
import { waitHint } from './smtp.client';

describe('SMTP e-mail integration against its fake relay', () => {
  let fake: SmtpFake;
  const sleeps: number[] = [];
  let step = 0;

  beforeEach(async () => {
    sleeps.length = 0;
    fake = createSmtpFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  function context(
    over: { password?: string; settings?: Record<string, unknown>; key?: string } = {},
  ): ActionContext {
    const base = smtp.fakeConnection(fake.url);
    return {
      connection: {
        id: 'conn-smtp',
        baseUrl: base.baseUrl,
        settings: { ...base.settings, ...over.settings },
        secrets: { username: SMTP_FAKE_USERNAME, password: over.password ?? SMTP_FAKE_PASSWORD },
      },
      idempotencyKey: over.key ?? `wf-1/step-${++step}`,
      http: new HttpClient({ vendor: 'SMTP', baseUrl: fake.url, sleep: async (ms) => void sleeps.push(ms) }),
    };
  }
  const send = (ctx: ActionContext, input: Record<string, unknown>) =>
    smtp.actions.send_message.run(ctx, input);

  it('sends plain text with a minimal escaped HTML alternative, authenticated', async () => {
    const out = await send(context(), {
      to: 'alice@example.com, Bob <bob@example.com>',
      subject: 'Case 42: WS-01 contained',
      text: 'WS-01 is isolated.\n<script>alert(1)</script> & "quotes"',
      link: 'https://cordon.example/cases/42?a=1&b=2',
    });
    const [mail] = fake.messages;
    expect(out).toEqual({ delivered: true, message_ref: mail.messageId });
    expect(mail.messageId).toMatch(/^<cordon\.[0-9a-f]{32}@example\.com>$/);
    expect(mail.user).toBe(SMTP_FAKE_USERNAME);
    expect(mail.envelope).toEqual({
      from: 'cordon@example.com',
      to: ['alice@example.com', 'bob@example.com'],
    });
    expect(mail.subject).toBe('Case 42: WS-01 contained');
    expect(mail.from).toBe('Cordon SOC <cordon@example.com>');
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(mail.text?.replace(/\r\n/g, '\n')).toBe(
      'WS-01 is isolated.\n<script>alert(1)</script> & "quotes"\n\nhttps://cordon.example/cases/42?a=1&b=2\n',
    );
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(mail.html).toContain('<a href="https://cordon.example/cases/42?a=1&amp;b=2">');
    expect(mail.html).not.toContain('<script>');
    expect(mail.raw).not.toContain(SMTP_FAKE_PASSWORD);
    expect(fake.effects).toEqual([
      { capability: 'notify.send', target: 'alice@example.com,bob@example.com' },
    ]);
  });

  it('sends to defaultTo with a default subject, and keeps non-ASCII text intact', async () => {
    await send(context(), { text: 'Überprüfung nötig — 東京' });
    expect(fake.messages[0]).toMatchObject({
      envelope: { to: ['soc@example.com'] },
      subject: 'Cordon notification',
    });
    expect(fake.messages[0].text).toContain('Überprüfung nötig — 東京');
  });

  it('waits as a 421 asks through ctx.http, then sends once', async () => {
    fake.injectFaults([fake.rateLimitFault(3), fake.rateLimitFault(1)]);
    await send(context(), { text: 'x' });
    expect(sleeps).toEqual([3000, 1000]);
    expect(fake.transactions.map((t) => t.reply.slice(0, 3))).toEqual(['421', '421', '250']);
    expect(fake.effects).toHaveLength(1);
  });

  it('backs off on a temporary 451 without a stated wait, and gives up after four attempts', async () => {
    fake.injectFaults(Array.from({ length: 4 }, () => ({ status: 451, match: { method: 'DATA' } })));
    const err = await caught(send(context(), { text: 'x' }));
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(err).toMatchObject({ vendor: 'SMTP', status: 451, code: 'EMESSAGE', retryable: true });
    expect(err.message).toBe('DATA: 451 4.3.0 Temporary failure, try again later (gave up after 4 attempts)');
    expect(fake.effects).toHaveLength(0);
  });

  it('hands a wait over a minute back to Temporal as retryAfterMs', async () => {
    fake.injectFaults([fake.rateLimitFault(600)]);
    const err = await caught(send(context(), { text: 'x' }));
    expect(err).toMatchObject({ status: 421, retryable: true, retryAfterMs: 600_000 });
    expect(sleeps).toEqual([]);
  });

  it('fails bad credentials for good, without the password', async () => {
    const err = await caught(send(context({ password: 'wrong-password-123' }), { text: 'x' }));
    expect(err).toMatchObject({ vendor: 'SMTP', status: 535, code: 'EAUTH', retryable: false });
    expect(err.message).toContain('535 5.7.8 Authentication credentials invalid');
    expect(JSON.stringify(err)).not.toContain('wrong-password-123');
    expect(sleeps).toEqual([]);
  });

  it('fails an unknown sole recipient for good; delivers to the others when one is refused', async () => {
    const err = await caught(send(context(), { to: 'nobody@example.com', text: 'x' }));
    expect(err).toMatchObject({ status: 550, code: 'EENVELOPE', retryable: false });
    expect(err.message).toContain('User unknown');
    const out = await send(context(), { to: 'nobody@example.com, alice@example.com', text: 'x' });
    expect(out.delivered).toBe(true);
    expect(fake.messages[0].envelope.to).toEqual(['alice@example.com']);
  });

  it('retries a relay it cannot reach, then fails retryable', async () => {
    const ctx = context();
    await fake.stop();
    const err = await caught(send(ctx, { text: 'x' }));
    expect(err).toMatchObject({ code: 'ESOCKET', retryable: true });
    expect(sleeps).toEqual([1000, 2000, 4000]);
    await fake.start(0);
  });

  it('uses the same Message-ID when a step is retried, and does not send twice on one worker', async () => {
    const first = await send(context({ key: 'wf-9/notify' }), { text: 'same' });
    const again = await send(context({ key: 'wf-9/notify' }), { text: 'same' });
    expect(again.message_ref).toBe(first.message_ref);
    expect(fake.messages).toHaveLength(2); // two HttpClients: two "workers", one Message-ID
    const ctx = context({ key: 'wf-9/other' });
    await send(ctx, { text: 'same' });
    await send(ctx, { text: 'same' });
    expect(fake.messages).toHaveLength(3);
  });

  it('refuses bad input before connecting', async () => {
    expect(await caught(send(context(), { text: ' ' }))).toMatchObject({ code: 'BAD_INPUT' });
    expect(await caught(send(context(), { to: 'not-an-address', text: 'x' }))).toMatchObject({
      code: 'BAD_INPUT',
      message: 'not an e-mail address: not-an-address',
    });
    expect(await caught(send(context({ settings: { defaultTo: '' } }), { text: 'x' }))).toMatchObject({
      message: 'no recipient: give `to` or set the defaultTo setting',
    });
    expect(await caught(send(context(), { text: 'x', link: 'javascript:x' }))).toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(fake.transactions).toEqual([]);
  });

  it('health check logs in without sending, and fails with bad credentials', async () => {
    await expect(smtp.healthCheck(context())).resolves.toBeUndefined();
    expect(fake.messages).toEqual([]);
    await expect(smtp.healthCheck(context({ password: 'nope-nope' }))).rejects.toMatchObject({ status: 535 });
  });

  it('reads the waits servers write into their replies', () => {
    expect(waitHint('421 4.7.0 Try again in 30 seconds')).toBe(30_000);
    expect(waitHint('450 4.2.0 Greylisted, please retry after 5 minutes')).toBe(300_000);
    expect(waitHint('421 4.7.0 Try again later, closing connection.')).toBeUndefined();
  });
});
