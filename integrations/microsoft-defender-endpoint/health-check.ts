import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { MdeClient } from './mde.client';

/** Proves the tenant, the credentials and Machine.Read.All: a token, then a one-machine list. */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  const mde = new MdeClient(ctx);
  await mde.token();
  await mde.machines(undefined, 1);
}
