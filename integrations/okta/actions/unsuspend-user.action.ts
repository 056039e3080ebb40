import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { lifecycleAction } from './lifecycle';

/**
 * Unsuspends a user (`identity.unsuspend_user`). Only SUSPENDED users can be unsuspended; any other
 * status is reported as it is with `already: true` (there is no suspension to lift).
 */
export const unsuspendUser = lifecycleAction({
  name: 'unsuspend_user',
  contract: CAPABILITIES['identity.unsuspend_user'],
  operation: 'unsuspend',
  settled: (status) => status !== 'SUSPENDED',
  result: 'ACTIVE',
});
