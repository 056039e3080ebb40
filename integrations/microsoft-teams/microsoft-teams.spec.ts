import { HttpClient } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { caughtVendorError as caught } from '../../src/integrations/kit/testing';
import { createTeamsFake, TEAMS_FAKE_WEBHOOK_PATH, type TeamsFake } from './fake/microsoft-teams.fake';
import teams from './index';

describe('Microsoft Teams integration against its fake', () => {
  let fake: TeamsFake;
  const sleeps: number[] = [];
  let step = 0;

  beforeEach(async () => {
    sleeps.length = 0;
    fake = createTeamsFake();
    await fake.start(0);
  });
  afterEach(() => fake.stop());

  function context(over: { webhookUrl?: string; baseUrl?: string; http?: HttpClient } = {}): ActionContext {
    return {
      connection: {
        id: 'conn-teams',
        baseUrl: '',
        settings: {},
        secrets: { webhookUrl: over.webhookUrl ?? fake.webhookUrl },
      },
      idempotencyKey: `run-1/step-${++step}`,
      http:
        over.http ??
        new HttpClient({
          vendor: 'Microsoft',
          baseUrl: over.baseUrl ?? fake.url,
          sleep: async (ms) => void sleeps.push(ms),
        }),
    };
  }
  const send = (ctx: ActionContext, input: Record<string, unknown>) =>
    teams.actions.send_message.run(ctx, input);

  it('posts an Adaptive Card message with the title, the text and a link action', async () => {
    const out = await send(context(), {
      subject: 'Case 42 contained',
      text: 'WS-01 is **isolated**.',
      link: 'https://cordon.example/cases/42',
      to: 'ignored@example.com',
    });
    expect(out).toEqual({ delivered: true, message_ref: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0].path).toBe(TEAMS_FAKE_WEBHOOK_PATH);
    expect(fake.calls[0].body).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            msteams: { width: 'Full' },
            body: [
              {
                type: 'TextBlock',
                text: 'Case 42 contained',
                weight: 'Bolder',
                size: 'Medium',
                wrap: true,
                style: 'heading',
              },
              { type: 'TextBlock', text: 'WS-01 is **isolated**.', wrap: true },
            ],
            actions: [
              { type: 'Action.OpenUrl', title: 'Open in Cordon', url: 'https://cordon.example/cases/42' },
            ],
          },
        },
      ],
    });
    expect(fake.effects).toEqual([{ capability: 'notify.send', target: 'SOC / Alerts' }]);
  });

  it('accepts a Workflows webhook’s 202, passing its query (sig) through', async () => {
    await fake.stop();
    fake = createTeamsFake({ mode: 'workflows' });
    await fake.start(0);
    const out = await send(context(), { text: 'hi' });
    expect(out).toEqual({ delivered: true, message_ref: expect.stringMatching(/^08584/) });
    expect(new URL(fake.calls[0].path, fake.url).searchParams.get('sig')).toBe(
      'fake-workflow-signature-0123456789',
    );
  });

  it('reaches a webhook on another origin than the platform client’s, sleeping through the platform client', async () => {
    const platform = new HttpClient({
      vendor: 'Microsoft',
      baseUrl: '',
      sleep: async (ms) => void sleeps.push(ms),
    });
    fake.injectFaults([fake.rateLimitFault(2)]);
    await send(context({ http: platform }), { text: 'hi' });
    expect(sleeps).toEqual([2000]);
    expect(fake.effects).toHaveLength(1);
  });

  it('treats a connector 200 whose body is not a number as the failure it wraps', async () => {
    fake.injectFaults([fake.wrappedFailure(400)]);
    const refused = await caught(send(context(), { text: 'x' }));
    expect(refused).toMatchObject({
      vendor: 'Microsoft Teams',
      status: 400,
      code: 'TEAMS_HTTP_400',
      retryable: false,
    });
    expect(refused.message).toMatch(/^Webhook message delivery failed with error/);
    fake.injectFaults([fake.wrappedFailure(429)]);
    expect(await caught(send(context(), { text: 'x' }))).toMatchObject({ status: 429, retryable: true });
    expect(fake.effects).toHaveLength(0);
  });

  it('surfaces Teams’ own words for a refused payload, and never the webhook URL', async () => {
    const gone = `${fake.url}${TEAMS_FAKE_WEBHOOK_PATH.replace('0123456789abcdef', 'ffffffffffffffff')}`;
    const err = await caught(send(context({ webhookUrl: gone }), { text: 'x' }));
    expect(err).toMatchObject({ status: 404, message: 'Webhook not found.', retryable: false });

    // A timeout names the request; the path (the secret) is masked.
    fake.injectFaults([{ status: 200, delayMs: 500 }]);
    const slow = new HttpClient({ vendor: 'Microsoft', baseUrl: fake.url, timeoutMs: 50, maxAttempts: 1 });
    const timedOut = await caught(send(context({ http: slow }), { text: 'x' }));
    expect(timedOut.message).toBe('POST [webhook URL] timed out after 50 ms');
    expect(JSON.stringify(timedOut)).not.toContain('IncomingWebhook');
  });

  it('shortens the text of a card that would pass the 28 KB limit', async () => {
    await send(context(), { text: 'é'.repeat(40_000) });
    const size = Buffer.byteLength(JSON.stringify(fake.calls[0].body));
    expect(size).toBeLessThanOrEqual(27 * 1024);
    expect(fake.messages[0].texts[1]).toMatch(/é…$/);
  });

  it('refuses a clear-text webhook URL and bad input before sending', async () => {
    expect(
      await caught(
        send(context({ webhookUrl: 'http://contoso.webhook.office.com/webhookb2/x' }), { text: 'x' }),
      ),
    ).toMatchObject({
      code: 'BAD_CONNECTION',
      message: 'webhookUrl must be an https:// URL',
    });
    expect(await caught(send(context(), { text: ' ' }))).toMatchObject({ code: 'BAD_INPUT' });
    expect(await caught(send(context(), { text: 'x', link: 'javascript:alert(1)' }))).toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(fake.calls).toHaveLength(0);
  });

  it('does not post twice when the same step is retried after it succeeded', async () => {
    const ctx = context();
    expect(await send(ctx, { text: 'once' })).toEqual(await send(ctx, { text: 'once' }));
    expect(fake.calls).toHaveLength(1);
  });

  it('health check posts a connection-test card', async () => {
    await expect(teams.healthCheck(context())).resolves.toBeUndefined();
    expect(fake.messages[0].texts[0]).toBe('Cordon connection test');
    await expect(
      teams.healthCheck(context({ webhookUrl: `${fake.url}/webhookb2/x/IncomingWebhook/y/z` })),
    ).rejects.toMatchObject({
      status: 404,
    });
  });
});
