import { notifyAction } from '../../../src/integrations/kit/notify-action';
import { deliver, VENDOR } from '../webhook.client';

/** Signs and POSTs {subject, text, link, sent_at} to the configured URL; any 2xx is delivered. */
export const sendMessage = notifyAction({
  vendor: VENDOR,
  async send(ctx, input) {
    const { deliveryId } = await deliver(
      ctx,
      {
        subject: input.subject || null,
        text: input.text,
        link: input.link || null,
        sent_at: new Date().toISOString(),
        ...(input.to ? { to: input.to } : {}),
      },
      'notification',
    );
    // The X-Cordon-Delivery id the receiver saw.
    return { delivered: true, message_ref: deliveryId };
  },
});
