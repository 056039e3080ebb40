import { blockGroupAction } from '../../../src/integrations/kit/firewall-target';
import { panosBlockGroup } from './block-group';

/** Adds the domain to the block group and commits (`firewall.block_domain`); one already blocked is left alone. */
export const blockDomain = blockGroupAction('block_domain', 'firewall.block_domain', panosBlockGroup);
