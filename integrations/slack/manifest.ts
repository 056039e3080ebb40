import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'slack',
  vendor: 'Slack',
  product: 'Slack',
  category: 'notify',
  version: '1.0.0',
  docsUrl: 'https://api.slack.com/methods/chat.postMessage',
  description:
    'Posts notifications to Slack channels or DMs, and interactive approval requests whose ' +
    'Approve / Reject buttons come back to Cordon.',
  settings: {
    baseUrl: {
      type: 'string',
      required: false,
      default: 'https://slack.com',
      description: 'Slack Web API origin; the methods are under /api (change it only for a proxy or a fake)',
    },
    defaultChannel: {
      type: 'string',
      required: false,
      description:
        'Channel id (C0123ABCD) or #name to post to when a step gives no `to`; invite the app to it first',
    },
  },
  secrets: {
    botToken: {
      required: true,
      description:
        'Bot user OAuth token (xoxb-…) with chat:write; users:read and users:read.email to send to e-mail addresses',
    },
    signingSecret: {
      required: false,
      description:
        "The app's signing secret (Basic Information page): Cordon verifies approval button clicks with it",
    },
  },
  capabilities: {
    'notify.send': 'send_message',
    'slack.post_approval': 'post_approval',
    'slack.update_message': 'update_message',
  },
};
