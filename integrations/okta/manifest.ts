import type { IntegrationManifest } from '../../src/integrations/kit/integration.types';

export const manifest: IntegrationManifest = {
  id: 'okta',
  vendor: 'Okta',
  product: 'Okta Workforce Identity',
  category: 'identity',
  version: '1.0.0',
  docsUrl: 'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/',
  description:
    'Find Okta users, suspend and unsuspend them, clear their sessions and reset their MFA factors ' +
    'through the Okta management API with an API token.',
  settings: {
    baseUrl: {
      type: 'string',
      required: true,
      description:
        'Your Okta org URL, e.g. https://acme.okta.com (or https://acme.oktapreview.com, or your custom domain)',
    },
  },
  secrets: {
    apiToken: {
      required: true,
      description:
        'An Okta API token (sent as "Authorization: SSWS <token>"), created by an admin whose role may ' +
        'manage the users concerned (Super Administrator, Organization Administrator or a custom role ' +
        'with user lifecycle, session and factor permissions)',
    },
  },
  capabilities: {
    'identity.find_user': 'find_user',
    'identity.suspend_user': 'suspend_user',
    'identity.unsuspend_user': 'unsuspend_user',
    'identity.revoke_sessions': 'clear_sessions',
    'identity.reset_mfa': 'reset_factors',
  },
};
