import { blockGroupAction } from '../../../src/integrations/kit/firewall-target';
import { fortigateBlockGroup } from './block-group';

/** Adds the ip to the block group (`firewall.block_ip`); one already blocked is left alone. */
export const blockIp = blockGroupAction('block_ip', 'firewall.block_ip', fortigateBlockGroup);
