import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { deliver } from './webhook.client';

/**
 * Proves the URL answers and accepts our signature: a signed delivery with `X-Cordon-Event: ping`
 * (receivers should answer 2xx and show nothing), in the notification's shape for those that do not look.
 */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  await deliver(
    ctx,
    {
      subject: 'Cordon connection test',
      text: 'Cordon can deliver signed notifications to this URL.',
      link: null,
      sent_at: new Date().toISOString(),
    },
    'ping',
  );
}
