import type { IntegrationDefinition } from '../../src/integrations/kit/integration.types';
import { deleteAuthenticationMethods } from './actions/delete-authentication-methods.action';
import { disableAccount } from './actions/disable-account.action';
import { enableAccount } from './actions/enable-account.action';
import { findUser } from './actions/find-user.action';
import { revokeSignInSessions } from './actions/revoke-sign-in-sessions.action';
import {
  createEntraFake,
  ENTRA_FAKE_CLIENT_ID,
  ENTRA_FAKE_CLIENT_SECRET,
  ENTRA_FAKE_TENANT_ID,
} from './fake/microsoft-entra-id.fake';
import { healthCheck } from './health-check';
import { manifest } from './manifest';

/** Microsoft Entra ID through Microsoft Graph: find, disable, enable, revoke sessions, reset MFA. */
export const microsoftEntraId: IntegrationDefinition = {
  manifest,
  actions: {
    [findUser.name]: findUser,
    [disableAccount.name]: disableAccount,
    [enableAccount.name]: enableAccount,
    [revokeSignInSessions.name]: revokeSignInSessions,
    [deleteAuthenticationMethods.name]: deleteAuthenticationMethods,
  },
  healthCheck,
  createFake: (options?: Record<string, unknown>) => createEntraFake(options),
  fakeConnection: (url) => ({
    baseUrl: url,
    settings: { tenantId: ENTRA_FAKE_TENANT_ID, loginUrl: url, graphUrl: url },
    secrets: { clientId: ENTRA_FAKE_CLIENT_ID, clientSecret: ENTRA_FAKE_CLIENT_SECRET },
  }),
};

export default microsoftEntraId;
