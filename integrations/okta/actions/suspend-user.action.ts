import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { lifecycleAction } from './lifecycle';

/**
 * Suspends a user (`identity.suspend_user`). A suspended user needs nothing, nor does a deprovisioned
 * one (it cannot sign in either). Okta suspends only ACTIVE users: any other status gets Okta's own
 * 400 E0000001, passed on as it is.
 */
export const suspendUser = lifecycleAction({
  name: 'suspend_user',
  contract: CAPABILITIES['identity.suspend_user'],
  operation: 'suspend',
  settled: (status) => status === 'SUSPENDED' || status === 'DEPROVISIONED',
  result: 'SUSPENDED',
});
