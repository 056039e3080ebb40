import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { blockGroupAction } from './block-group';

/** Removes the domain from the block group (`firewall.unblock_domain`); one not blocked is left alone. */
export const unblockDomain = blockGroupAction({
  name: 'unblock_domain',
  contract: CAPABILITIES['firewall.unblock_domain'],
  kind: 'domain',
  block: false,
});
