import { notifyAction } from '../../../src/integrations/kit/notify-action';
import { adaptiveCardMessage, postToWebhook, VENDOR } from '../teams.client';

/**
 * Posts an Adaptive Card (title, text, "Open in Cordon") to the channel's incoming webhook; `to`
 * is ignored: an incoming webhook always posts to the channel it was created in.
 */
export const sendMessage = notifyAction({
  vendor: VENDOR,
  async send(ctx, input) {
    const card = adaptiveCardMessage({
      title: input.subject?.trim() || 'Cordon notification',
      text: input.text,
      link: input.link || undefined,
    });
    const delivery = await postToWebhook(ctx, card);
    return delivery.requestId ? { delivered: true, message_ref: delivery.requestId } : { delivered: true };
  },
});
