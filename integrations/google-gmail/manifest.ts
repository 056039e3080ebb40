import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'google-gmail',
  vendor: 'Google',
  product: 'Gmail (Google Workspace)',
  category: 'email',
  version: '1.0.0',
  docsUrl: 'https://developers.google.com/gmail/api/reference/rest',
  description:
    'Search Google Workspace mailboxes for a message, move copies to the Trash and back, and block a ' +
    'sender with Gmail filters, through the Gmail API with a service account and domain-wide delegation.',
  settings: {
    mailboxes: {
      type: 'string',
      required: false,
      description:
        'Comma-separated addresses of the Workspace users searched (and given block filters) when a step ' +
        'names none. Gmail has no cross-mailbox search: each mailbox is impersonated in turn.',
    },
    tokenUrl: {
      type: 'string',
      required: false,
      default: 'https://oauth2.googleapis.com/token',
      description: "Google's OAuth 2.0 token endpoint; also the signed JWT's audience",
    },
    gmailUrl: {
      type: 'string',
      required: false,
      default: 'https://gmail.googleapis.com',
      description: 'Gmail API host',
    },
    scopes: {
      type: 'string',
      required: false,
      default:
        'https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.settings.basic',
      description:
        'Space-separated OAuth scopes requested for each impersonated user; they must be among those the ' +
        "Workspace admin granted the service account's client ID (Security → API controls → Domain-wide delegation)",
    },
  },
  secrets: {
    serviceAccountKey: {
      required: true,
      description:
        'The JSON key file of a service account with domain-wide delegation (client_email and private_key are used)',
    },
  },
  capabilities: {
    'email.search_messages': 'search_messages',
    'email.quarantine_message': 'quarantine_message',
    'email.restore_message': 'restore_message',
    'email.block_sender': 'block_sender',
  },
};
