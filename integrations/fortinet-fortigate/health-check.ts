import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { blockGroupMembers } from './actions/block-group';
import { FortiGateClient } from './fortigate.client';

/** Proves the URL, the token and the trusted host (`monitor/system/status`), and that the block groups exist. */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  const fgt = new FortiGateClient(ctx);
  await fgt.systemStatus();
  await blockGroupMembers(fgt, 'addrgrp', fgt.settings.blockGroup);
  if (fgt.settings.blockGroup6) await blockGroupMembers(fgt, 'addrgrp6', fgt.settings.blockGroup6);
}
