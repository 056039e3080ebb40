import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { accountEnabledAction } from './account-enabled';

/** Lets a disabled account sign in again (`identity.unsuspend_user`): `accountEnabled` true. */
export const enableAccount = accountEnabledAction({
  name: 'enable_account',
  contract: CAPABILITIES['identity.unsuspend_user'],
  accountEnabled: true,
});
