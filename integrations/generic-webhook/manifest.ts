import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'generic-webhook',
  vendor: 'Webhook',
  product: 'Generic signed webhook',
  category: 'notify',
  version: '1.0.0',
  // No vendor: the signing scheme is HMAC (RFC 2104) as described in this folder's README.
  docsUrl: 'https://datatracker.ietf.org/doc/html/rfc2104',
  description:
    'POSTs notifications as signed JSON ({subject, text, link, sent_at}) to any HTTP endpoint, ' +
    'signed the way Cordon signs its own inbound webhooks.',
  settings: {
    url: {
      type: 'string',
      required: true,
      description: 'The receiver URL (https:// strongly advised); query parameters are kept',
    },
  },
  secrets: {
    signingSecret: {
      required: true,
      description:
        'HMAC-SHA256 key for X-Cordon-Signature (v1=hex of "<timestamp>.<body>"); share it with the receiver',
    },
  },
  capabilities: {
    'notify.send': 'send_message',
  },
};
