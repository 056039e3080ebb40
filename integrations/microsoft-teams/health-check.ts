import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { adaptiveCardMessage, postToWebhook } from './teams.client';

/**
 * Incoming webhooks have nothing to read, so the only proof a URL works is a message: the check
 * posts a short "connection test" card to the channel.
 */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  await postToWebhook(
    ctx,
    adaptiveCardMessage({
      title: 'Cordon connection test',
      text: 'Cordon can post to this channel. Notifications from playbooks will appear here.',
    }),
  );
}
