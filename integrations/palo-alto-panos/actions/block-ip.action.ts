import { blockGroupAction } from '../../../src/integrations/kit/firewall-target';
import { panosBlockGroup } from './block-group';

/** Adds the ip to the block group and commits (`firewall.block_ip`); one already blocked is left alone. */
export const blockIp = blockGroupAction('block_ip', 'firewall.block_ip', panosBlockGroup);
