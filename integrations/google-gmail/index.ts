import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { blockSender } from './actions/block-sender.action';
import { quarantineMessage } from './actions/quarantine-message.action';
import { restoreMessage } from './actions/restore-message.action';
import { searchMessages } from './actions/search-messages.action';
import { createGmailFake, GMAIL_FAKE_MAILBOXES } from './fake/google-gmail.fake';
import { fakeServiceAccountKey } from './fake/fake-keys';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** Gmail through the Gmail API with domain-wide delegation: search, trash, untrash, block a sender. */
export const googleGmail: IntegrationDefinition = {
  manifest,
  actions: {
    [searchMessages.name]: searchMessages,
    [quarantineMessage.name]: quarantineMessage,
    [restoreMessage.name]: restoreMessage,
    [blockSender.name]: blockSender,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createGmailFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: { tokenUrl: `${url}/token`, gmailUrl: url, mailboxes: GMAIL_FAKE_MAILBOXES.join(',') },
    secrets: { serviceAccountKey: fakeServiceAccountKey(`${url}/token`) },
  }),
};

export default googleGmail;
