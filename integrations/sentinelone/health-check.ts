import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { S1Client } from './sentinelone.client';

/** Proves the URL, the API token and the right to view endpoints: a one-agent list. */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  await new S1Client(ctx).agents({ limit: 1 });
}
