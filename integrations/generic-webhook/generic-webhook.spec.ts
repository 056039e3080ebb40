import { HttpClient } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { checkTimestamp, verifyWebhookSignature } from '../../src/webhooks/webhook-signature';
import {
  createWebhookFake,
  WEBHOOK_FAKE_PATH,
  WEBHOOK_FAKE_SECRET,
  type WebhookFake,
} from './fake/generic-webhook.fake';
import webhook from './index';
import { deliveryId } from './webhook.client';

describe('generic signed webhook against its fake receiver', () => {
  let fake: WebhookFake;
  const sleeps: number[] = [];

  beforeEach(async () => {
    sleeps.length = 0;
    fake = createWebhookFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  function context(
    over: { url?: string; secret?: string; key?: string; http?: HttpClient } = {},
  ): ActionContext {
    return {
      connection: {
        id: 'conn-hook',
        baseUrl: '',
        settings: { url: over.url ?? `${fake.url}${WEBHOOK_FAKE_PATH}?tenant=acme` },
        secrets: { signingSecret: over.secret ?? WEBHOOK_FAKE_SECRET },
      },
      idempotencyKey: over.key ?? 'wf-123/notify-soc',
      http:
        over.http ??
        new HttpClient({ vendor: 'Webhook', baseUrl: fake.url, sleep: async (ms) => void sleeps.push(ms) }),
    };
  }
  const send = (ctx: ActionContext, input: Record<string, unknown>) =>
    webhook.actions.send_message.run(ctx, input);

  it('POSTs {subject, text, link, sent_at} signed like Cordon’s inbound webhooks', async () => {
    const out = await send(context(), {
      subject: 'Case 42 contained',
      text: 'WS-01 isolated',
      link: 'https://cordon.example/cases/42',
      to: 'soc@example.com',
    });
    expect(out).toEqual({ delivered: true, message_ref: 'wf-123/notify-soc' });
    const [call] = fake.calls;
    expect(call.path).toBe(`${WEBHOOK_FAKE_PATH}?tenant=acme`);
    expect(call.body).toEqual({
      subject: 'Case 42 contained',
      text: 'WS-01 isolated',
      link: 'https://cordon.example/cases/42',
      sent_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      to: 'soc@example.com',
    });
    expect(call.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Cordon-Webhook/1.0',
      'x-cordon-event': 'notification',
      'x-cordon-delivery': 'wf-123/notify-soc',
      'x-cordon-signature': expect.stringMatching(/^v1=[0-9a-f]{64}$/),
    });
    // The receiver's side of the contract, from src/webhooks, accepts it.
    expect(checkTimestamp(call.headers['x-cordon-timestamp'], Date.now()).ok).toBe(true);
    expect(
      verifyWebhookSignature({
        secrets: [WEBHOOK_FAKE_SECRET],
        timestamp: call.headers['x-cordon-timestamp'],
        body: Buffer.from(JSON.stringify(call.body)),
        header: call.headers['x-cordon-signature'],
      }),
    ).toBe(true);
    expect(fake.effects).toEqual([{ capability: 'notify.send', target: WEBHOOK_FAKE_PATH }]);
  });

  it('sends null for a missing subject and link, and no `to` unless given', async () => {
    await send(context(), { text: 'plain' });
    expect(fake.calls[0].body).toEqual({
      subject: null,
      text: 'plain',
      link: null,
      sent_at: expect.any(String),
    });
  });

  it('keeps X-Cordon-Delivery stable across retries, so a receiver dedupes a repeated step', async () => {
    fake.injectFaults([{ status: 503 }, fake.rateLimitFault(2)]);
    await send(context(), { text: 'once' });
    expect(sleeps).toEqual([expect.any(Number), 2000]);
    const deliveries = fake.calls.map((c) => c.headers['x-cordon-delivery']);
    expect(new Set(deliveries)).toEqual(new Set(['wf-123/notify-soc']));
    // A retried step on another worker posts again; the receiver sees the same id and does not act.
    await send(
      { ...context(), http: new HttpClient({ vendor: 'Webhook', baseUrl: fake.url }) },
      { text: 'once' },
    );
    expect(fake.calls).toHaveLength(4);
    expect(fake.effects).toHaveLength(1);
  });

  it('does not post twice when the same step is retried on the same worker', async () => {
    const ctx = context();
    await send(ctx, { text: 'once' });
    await send(ctx, { text: 'once' });
    expect(fake.calls).toHaveLength(1);
  });

  it('surfaces the receiver’s refusal, never the secret', async () => {
    const err = await caught(send(context({ secret: 'the-wrong-secret' }), { text: 'x' }));
    expect(err).toMatchObject({
      vendor: 'Webhook',
      status: 401,
      code: 'bad_signature',
      message: 'X-Cordon-Signature does not match the body',
      retryable: false,
    });
    expect(JSON.stringify(err)).not.toContain('the-wrong-secret');
  });

  it('masks the URL path in network errors (receivers hide tokens there)', async () => {
    const http = new HttpClient({ vendor: 'Webhook', baseUrl: 'http://127.0.0.1:9', maxAttempts: 1 });
    const err = await caught(
      send(context({ url: 'http://127.0.0.1:9/hooks/catch/123/s3cr3t', http }), { text: 'x' }),
    );
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/^POST 127\.0\.0\.1:9\/… failed: could not reach Webhook/);
    expect(JSON.stringify(err)).not.toContain('s3cr3t');
  });

  it('refuses bad connections and input before sending', async () => {
    expect(await caught(send(context({ url: 'ftp://x' }), { text: 'x' }))).toMatchObject({
      code: 'BAD_CONNECTION',
    });
    expect(await caught(send(context({ url: 'https://u:p@x.example/h' }), { text: 'x' }))).toMatchObject({
      code: 'BAD_CONNECTION',
    });
    expect(await caught(send(context(), { text: '' }))).toMatchObject({ code: 'BAD_INPUT' });
    expect(await caught(send(context(), { text: 'x', link: 'javascript:x' }))).toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('sends long or non-ASCII step keys as a header-safe delivery id', () => {
    expect(deliveryId('wf/step é')).toBe('wf/step%20%C3%A9');
    expect(deliveryId('x'.repeat(200))).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('health check sends a signed ping the receiver accepts without keeping it', async () => {
    await expect(webhook.healthCheck(context())).resolves.toBeUndefined();
    expect(fake.calls[0].headers['x-cordon-event']).toBe('ping');
    expect(fake.deliveries).toEqual([]);
    await expect(webhook.healthCheck(context({ secret: 'nope' }))).rejects.toMatchObject({ status: 401 });
  });
});
