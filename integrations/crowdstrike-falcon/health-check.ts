import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { FalconClient } from './falcon.client';

/** Proves the URL, the credentials and the Hosts: Read scope: a token, then a one-device query. */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  const falcon = new FalconClient(ctx);
  await falcon.token();
  await falcon.get('/devices/queries/devices/v1', { limit: 1 });
}
