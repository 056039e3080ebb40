import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { blockGroupMembers } from './actions/block-group';
import { PanosClient } from './panos.client';

/** Proves the URL and the key (`show system info`) and that the block group exists where configured. */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  const panos = new PanosClient(ctx);
  await panos.op('<show><system><info/></system></show>');
  await blockGroupMembers(panos);
}
