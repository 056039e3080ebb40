import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { OktaClient } from './okta.client';

/** Proves the org URL and the API token (and that its admin may read users): a one-user list. */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  await new OktaClient(ctx).get('/api/v1/users', { limit: 1 });
}
