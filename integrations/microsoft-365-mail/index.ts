import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { blockSender } from './actions/block-sender.action';
import { quarantineMessage } from './actions/quarantine-message.action';
import { restoreMessage } from './actions/restore-message.action';
import { searchMessages } from './actions/search-messages.action';
import {
  createGraphMailFake,
  GRAPH_FAKE_CLIENT_ID,
  GRAPH_FAKE_CLIENT_SECRET,
  GRAPH_FAKE_MAILBOXES,
  GRAPH_FAKE_TENANT_ID,
} from './fake/microsoft-365-mail.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** Microsoft 365 mail through Microsoft Graph: search, quarantine, restore, block a sender. */
export const microsoft365Mail: IntegrationDefinition = {
  manifest,
  actions: {
    [searchMessages.name]: searchMessages,
    [quarantineMessage.name]: quarantineMessage,
    [restoreMessage.name]: restoreMessage,
    [blockSender.name]: blockSender,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createGraphMailFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: {
      tenantId: GRAPH_FAKE_TENANT_ID,
      loginUrl: url,
      graphUrl: url,
      mailboxes: GRAPH_FAKE_MAILBOXES.join(','),
    },
    secrets: { clientId: GRAPH_FAKE_CLIENT_ID, clientSecret: GRAPH_FAKE_CLIENT_SECRET },
  }),
};

export default microsoft365Mail;
