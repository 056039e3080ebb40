import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { accountEnabledAction } from './account-enabled';

/**
 * Blocks sign-in (`identity.suspend_user`) by setting `accountEnabled` to false. Existing sessions
 * and refresh tokens live on until revoked: pair it with `revoke_sign_in_sessions`.
 */
export const disableAccount = accountEnabledAction({
  name: 'disable_account',
  contract: CAPABILITIES['identity.suspend_user'],
  accountEnabled: false,
});
