import { blockGroupAction } from '../../../src/integrations/kit/firewall-target';
import { panosBlockGroup } from './block-group';

/** Removes the ip from the block group and commits (`firewall.unblock_ip`); one not blocked is left alone. */
export const unblockIp = blockGroupAction('unblock_ip', 'firewall.unblock_ip', panosBlockGroup);
