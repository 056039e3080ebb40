import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { blockGroupAction } from './block-group';

/** Removes the ip from the block group (`firewall.unblock_ip`); one not blocked is left alone. */
export const unblockIp = blockGroupAction({
  name: 'unblock_ip',
  contract: CAPABILITIES['firewall.unblock_ip'],
  kind: 'ip',
  block: false,
});
