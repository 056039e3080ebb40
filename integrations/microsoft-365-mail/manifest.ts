import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'microsoft-365-mail',
  vendor: 'Microsoft',
  product: 'Microsoft 365 mail (Exchange Online via Microsoft Graph)',
  category: 'email',
  version: '1.0.0',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/mail-api-overview',
  description:
    'Search Exchange Online mailboxes for a message, move copies to a quarantine folder and back, and ' +
    'block a sender with inbox rules, through Microsoft Graph with application permissions.',
  settings: {
    tenantId: {
      type: 'string',
      required: true,
      description:
        'Directory (tenant) ID or verified domain of the Entra tenant that holds the app registration',
    },
    loginUrl: {
      type: 'string',
      required: false,
      default: 'https://login.microsoftonline.com',
      description: 'Entra sign-in host for tokens; https://login.microsoftonline.us for US Government clouds',
    },
    graphUrl: {
      type: 'string',
      required: false,
      default: 'https://graph.microsoft.com',
      description:
        'Microsoft Graph host (the token scope is "<graphUrl>/.default"); https://graph.microsoft.us or ' +
        'https://dod-graph.microsoft.us for US Government clouds',
    },
    mailboxes: {
      type: 'string',
      required: false,
      description:
        'Comma-separated user principal names searched (and given block rules) when a step names none. ' +
        'Graph has no cross-mailbox message search for applications short of eDiscovery.',
    },
    quarantineFolder: {
      type: 'string',
      required: false,
      default: 'deleteditems',
      description:
        'Where quarantined messages go: a well-known folder name (deleteditems, junkemail, archive, ' +
        'recoverableitemsdeletions); a folder id would only exist in one mailbox',
    },
  },
  secrets: {
    clientId: {
      required: true,
      description:
        'Application (client) ID of the app registration, granted the application permissions Mail.ReadWrite ' +
        'and MailboxSettings.ReadWrite with admin consent',
    },
    clientSecret: { required: true, description: 'A client secret value of that app registration' },
  },
  capabilities: {
    'email.search_messages': 'search_messages',
    'email.quarantine_message': 'quarantine_message',
    'email.restore_message': 'restore_message',
    'email.block_sender': 'block_sender',
  },
};
