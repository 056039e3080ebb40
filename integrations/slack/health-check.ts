import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { SlackClient } from './slack.client';

/** Proves the URL and the bot token: auth.test answers ok for a live token. */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  await new SlackClient(ctx).post('auth.test', {});
}
