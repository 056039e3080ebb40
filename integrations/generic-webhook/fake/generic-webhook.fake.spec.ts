import { signWebhook } from '../../../src/webhooks/webhook-signature';
import {
  createWebhookFake,
  WEBHOOK_FAKE_PATH,
  WEBHOOK_FAKE_SECRET,
  type WebhookFake,
} from './generic-webhook.fake';

/** Raw HTTP against the fake receiver: signature, window, dedupe. */
describe('generic webhook fake', () => {
  let fake: WebhookFake;
  const now = Date.parse('2030-01-01T00:00:00Z');

  beforeEach(async () => {
    fake = createWebhookFake({ now: () => now });
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  const deliver = async (
    payload: unknown,
    over: { ts?: number; secret?: string; delivery?: string; event?: string; body?: string } = {},
  ) => {
    const body = over.body ?? JSON.stringify(payload);
    const ts = over.ts ?? now / 1000;
    const res = await fetch(`${fake.url}${WEBHOOK_FAKE_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cordon-timestamp': String(ts),
        'x-cordon-signature': signWebhook(over.secret ?? WEBHOOK_FAKE_SECRET, ts, body),
        'x-cordon-delivery': over.delivery ?? 'run-1/notify',
        ...(over.event ? { 'x-cordon-event': over.event } : {}),
      },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const message = { subject: 'S', text: 'T', link: null, sent_at: '2030-01-01T00:00:00.000Z' };

  it('accepts a correctly signed delivery and records one effect', async () => {
    expect(await deliver(message)).toEqual({
      status: 200,
      body: { received: true, duplicate: false, delivery: 'run-1/notify' },
    });
    expect(fake.deliveries).toEqual([
      { deliveryId: 'run-1/notify', event: 'notification', timestamp: now / 1000, payload: message },
    ]);
    expect(fake.effects).toEqual([{ capability: 'notify.send', target: WEBHOOK_FAKE_PATH }]);
  });

  it('answers a repeated delivery id without acting again', async () => {
    await deliver(message);
    expect((await deliver(message)).body).toMatchObject({ duplicate: true });
    expect(fake.effects).toHaveLength(1);
  });

  it('refuses a wrong secret, a stale timestamp and a body that is not the one signed', async () => {
    expect(await deliver(message, { secret: 'other' })).toMatchObject({
      status: 401,
      body: { error: { code: 'bad_signature' } },
    });
    expect(await deliver(message, { ts: now / 1000 - 301 })).toMatchObject({
      status: 401,
      body: { error: { code: 'bad_timestamp', message: 'X-Cordon-Timestamp is outside-window' } },
    });
    const pretty = JSON.stringify(message, null, 2);
    expect((await deliver(message, { body: pretty })).status).toBe(400);
    expect(fake.effects).toEqual([]);
  });

  it('answers pings without keeping them', async () => {
    expect(await deliver(message, { event: 'ping' })).toEqual({
      status: 200,
      body: { received: true, event: 'ping' },
    });
    expect(fake.deliveries).toEqual([]);
  });

  it('serves 429 with Retry-After', async () => {
    fake.injectFaults([fake.rateLimitFault(5)]);
    const res = await fetch(`${fake.url}${WEBHOOK_FAKE_PATH}`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
  });
});
