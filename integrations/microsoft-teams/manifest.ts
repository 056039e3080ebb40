import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'microsoft-teams',
  vendor: 'Microsoft',
  product: 'Teams (incoming webhook)',
  category: 'notify',
  version: '1.0.0',
  docsUrl:
    'https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook',
  description:
    'Posts notifications as Adaptive Cards to a Teams channel through an incoming webhook ' +
    '(a Workflows webhook or a legacy Office 365 connector).',
  settings: {},
  secrets: {
    webhookUrl: {
      required: true,
      description:
        'The channel webhook URL (Workflows "When a Teams webhook request is received", or a legacy ' +
        'https://….webhook.office.com/webhookb2/… connector URL); anyone holding it can post to the channel',
    },
  },
  capabilities: {
    'notify.send': 'send_message',
  },
};
