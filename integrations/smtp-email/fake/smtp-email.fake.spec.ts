import nodemailer from 'nodemailer';
import { createSmtpFake, SMTP_FAKE_PASSWORD, SMTP_FAKE_USERNAME, type SmtpFake } from './smtp-email.fake';

/** The fake relay driven by plain nodemailer, independent of the adapter. */
describe('SMTP fake', () => {
  let fake: SmtpFake;
  beforeEach(async () => {
    fake = createSmtpFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  const transport = (
    auth: { user: string; pass: string } | null = { user: SMTP_FAKE_USERNAME, pass: SMTP_FAKE_PASSWORD },
  ) => {
    const { port } = new URL(fake.url);
    return nodemailer.createTransport({
      host: '127.0.0.1',
      port: Number(port),
      secure: false,
      auth: auth ?? undefined,
    });
  };
  const mail = {
    from: 'cordon@example.com',
    to: 'soc@example.com',
    subject: 'Hi',
    text: 'hello',
    html: '<p>hello</p>',
  };

  it('listens at smtp://127.0.0.1:<port> and keeps what it accepted, parsed', async () => {
    expect(fake.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    const info = await transport().sendMail(mail);
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-F]{10}$/);
    expect(fake.messages[0]).toMatchObject({
      subject: 'Hi',
      text: 'hello',
      html: '<p>hello</p>',
      user: SMTP_FAKE_USERNAME,
    });
    expect(fake.calls).toEqual([expect.objectContaining({ method: 'DATA', path: 'soc@example.com' })]);
    expect(fake.effects).toEqual([{ capability: 'notify.send', target: 'soc@example.com' }]);
    fake.resetCalls();
    expect(fake.calls).toEqual([]);
  });

  it('requires AUTH, and refuses wrong credentials with 535', async () => {
    await expect(transport(null).sendMail(mail)).rejects.toMatchObject({ responseCode: 530 });
    await expect(transport({ user: SMTP_FAKE_USERNAME, pass: 'x' }).sendMail(mail)).rejects.toMatchObject({
      responseCode: 535,
      code: 'EAUTH',
    });
    expect(fake.effects).toEqual([]);
  });

  it('serves faults as SMTP replies at the stage asked, HTTP statuses translated', async () => {
    fake.injectFaults([
      fake.rateLimitFault(2),
      { status: 503, match: { method: 'RCPT' } },
      { status: 554, match: { method: 'DATA' }, body: '5.7.1 Spam' },
    ]);
    await expect(transport().sendMail(mail)).rejects.toMatchObject({
      responseCode: 421,
      response: '421 4.7.0 Too many messages, try again in 2 seconds',
    });
    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    await expect(transport().sendMail(mail)).rejects.toMatchObject({
      responseCode: 554,
      response: '554 5.7.1 Spam',
    });
    await transport().sendMail(mail);
    expect(fake.transactions.map((t) => `${t.stage} ${t.reply.slice(0, 3)}`)).toEqual([
      'MAIL 421',
      'RCPT 451',
      'DATA 554',
      'ACCEPTED 250',
    ]);
    expect(fake.effects).toHaveLength(1);
  });

  it('refuses unknown recipients with 550 5.1.1', async () => {
    await expect(transport().sendMail({ ...mail, to: 'nobody@example.com' })).rejects.toMatchObject({
      responseCode: 550,
    });
  });
});
