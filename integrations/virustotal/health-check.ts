import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VtClient } from './virustotal.client';

/** Proves the URL and the API key with one IP lookup (it spends one request of the quota). */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  await new VtClient(ctx).object('/ip_addresses/8.8.8.8');
}
