import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { sendMessage } from './actions/send-message.action';
import { createWebhookFake, WEBHOOK_FAKE_PATH, WEBHOOK_FAKE_SECRET } from './fake/generic-webhook.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** A signed JSON POST to any URL: the notification channel for everything without an integration. */
export const genericWebhook: IntegrationDefinition = {
  manifest,
  actions: { [sendMessage.name]: sendMessage },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createWebhookFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: { url: `${url}${WEBHOOK_FAKE_PATH}` },
    secrets: { signingSecret: WEBHOOK_FAKE_SECRET },
  }),
};

export default genericWebhook;
