import {
  createTeamsFake,
  TEAMS_FAKE_WEBHOOK_PATH,
  TEAMS_FAKE_WORKFLOW_PATH,
  type TeamsFake,
} from './microsoft-teams.fake';

const card = (text: string) => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        type: 'AdaptiveCard',
        version: '1.4',
        body: [{ type: 'TextBlock', text }],
        actions: [{ type: 'Action.OpenUrl', title: 'Open', url: 'https://cordon.example/cases/1' }],
      },
    },
  ],
});

/** Raw HTTP against the fake: the webhook's answers, independent of the adapter. */
describe('Microsoft Teams fake', () => {
  let fake: TeamsFake;
  const post = async (url: string, body: unknown) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  afterEach(() => fake.stop());

  describe('as a legacy connector', () => {
    beforeEach(async () => {
      fake = createTeamsFake();
      await fake.start(0);
    });

    it('answers 200 with body 1 for a card on its own URL, and records the message', async () => {
      const res = await post(fake.webhookUrl, card('hello'));
      expect(res).toMatchObject({ status: 200, text: '1' });
      expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(fake.messages).toEqual([
        expect.objectContaining({
          channel: 'SOC / Alerts',
          texts: ['hello'],
          links: ['https://cordon.example/cases/1'],
        }),
      ]);
      expect(fake.effects).toEqual([{ capability: 'notify.send', target: 'SOC / Alerts' }]);
    });

    it('refuses another webhook id (the URL is the credential) and bad payloads', async () => {
      const other = TEAMS_FAKE_WEBHOOK_PATH.replace('0123456789abcdef', 'ffffffffffffffff');
      expect((await post(`${fake.url}${other}`, card('x'))).status).toBe(404);
      expect(await post(fake.webhookUrl, 'not json')).toMatchObject({
        status: 400,
        text: 'Bad payload received by generic incoming webhook.',
      });
      expect(await post(fake.webhookUrl, { '@type': 'MessageCard', title: 'x' })).toMatchObject({
        status: 400,
        text: 'Summary or Text is required.',
      });
      expect(fake.effects).toEqual([]);
    });

    it('wraps Teams’ 413 for an oversized card in a 200, as connectors do', async () => {
      const res = await post(fake.webhookUrl, card('x'.repeat(30_000)));
      expect(res.status).toBe(200);
      expect(res.text).toMatch(
        /^Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413/,
      );
      expect(fake.effects).toEqual([]);
    });

    it('throttles with 429 and Retry-After, or with the wrapped 200', async () => {
      fake.injectFaults([fake.rateLimitFault(4), fake.wrappedFailure(429)]);
      const limited = await post(fake.webhookUrl, card('x'));
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('4');
      const wrapped = await post(fake.webhookUrl, card('x'));
      expect(wrapped.status).toBe(200);
      expect(wrapped.text).toContain('returned HTTP error 429');
      expect(fake.effects).toEqual([]);
    });
  });

  describe('as a Workflows webhook', () => {
    beforeEach(async () => {
      fake = createTeamsFake({ mode: 'workflows' });
      await fake.start(0);
    });

    it('answers 202 with a run id, and 401 without the right sig', async () => {
      const res = await post(fake.webhookUrl, card('hi'));
      expect(res.status).toBe(202);
      expect(res.headers.get('x-ms-workflow-run-id')).toMatch(/^08584\d+$/);
      expect(fake.messages.map((m) => m.texts)).toEqual([['hi']]);
      const unsigned = await post(`${fake.url}${TEAMS_FAKE_WORKFLOW_PATH}?sig=wrong`, card('hi'));
      expect(unsigned.status).toBe(401);
      expect(JSON.parse(unsigned.text)).toMatchObject({
        error: { code: 'DirectApiInvalidAuthorizationSignature' },
      });
      expect(fake.effects).toHaveLength(1);
    });
  });
});
