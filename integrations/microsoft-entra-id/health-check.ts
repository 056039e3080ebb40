import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { EntraGraphClient } from './entra.client';

/** Proves the tenant, the credentials and User.Read.All: a token, then a one-user list. */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  const graph = new EntraGraphClient(ctx);
  await graph.token();
  await graph.get('/users', { $top: 1, $select: 'id' });
}
