import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'microsoft-entra-id',
  vendor: 'Microsoft',
  product: 'Microsoft Entra ID (via Microsoft Graph)',
  category: 'identity',
  version: '1.0.0',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/users',
  description:
    'Find Entra ID users, disable and re-enable their accounts, revoke their sign-in sessions and remove ' +
    'their registered authentication methods, through Microsoft Graph with application permissions.',
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
        'Microsoft Graph host, without /v1.0 (the token scope is "<graphUrl>/.default"); https://graph.microsoft.us ' +
        'or https://dod-graph.microsoft.us for US Government clouds',
    },
  },
  secrets: {
    clientId: {
      required: true,
      description:
        'Application (client) ID of the app registration, granted with admin consent the application permissions ' +
        'User.Read.All, User.EnableDisableAccount.All, User.RevokeSessions.All and UserAuthenticationMethod.ReadWrite.All',
    },
    clientSecret: { required: true, description: 'A client secret value of that app registration' },
  },
  capabilities: {
    'identity.find_user': 'find_user',
    'identity.suspend_user': 'disable_account',
    'identity.unsuspend_user': 'enable_account',
    'identity.revoke_sessions': 'revoke_sign_in_sessions',
    'identity.reset_mfa': 'delete_authentication_methods',
  },
};
