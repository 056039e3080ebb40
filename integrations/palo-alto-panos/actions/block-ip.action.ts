import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { blockGroupAction } from './block-group';

/** Adds the ip to the block group and commits (`firewall.block_ip`); one already blocked is left alone. */
export const blockIp = blockGroupAction({
  name: 'block_ip',
  contract: CAPABILITIES['firewall.block_ip'],
  kind: 'ip',
  block: true,
});
