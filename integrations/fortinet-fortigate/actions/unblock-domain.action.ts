import { blockGroupAction } from '../../../src/integrations/kit/firewall-target';
import { fortigateBlockGroup } from './block-group';

/** Removes the domain from the block group (`firewall.unblock_domain`); one not blocked is left alone. */
export const unblockDomain = blockGroupAction(
  'unblock_domain',
  'firewall.unblock_domain',
  fortigateBlockGroup,
);
