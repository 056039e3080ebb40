import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import { blockGroupAction } from './block-group';

/** Adds the domain to the block group and commits (`firewall.block_domain`); one already blocked is left alone. */
export const blockDomain = blockGroupAction({
  name: 'block_domain',
  contract: CAPABILITIES['firewall.block_domain'],
  kind: 'domain',
  block: true,
});
