import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { AbuseClient } from './abuseipdb.client';

/** Proves the URL and the key with one check of 8.8.8.8 (it spends one of the day's checks). */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  await new AbuseClient(ctx).check('8.8.8.8', 1);
}
