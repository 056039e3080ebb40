import { notifyAction } from '../../../src/integrations/kit/notify-action';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { mailContent, parseRecipients, stableMessageId } from '../mail-content';
import { readSettings, sendMail, VENDOR } from '../smtp.client';

/** Sends a plain-text e-mail with an escaped HTML alternative through the SMTP relay. */
export const sendMessage = notifyAction({
  vendor: VENDOR,
  async send(ctx, input) {
    const settings = readSettings(ctx);
    const list = input.to?.trim() || settings.defaultTo;
    if (!list) throw badInput('no recipient: give `to` or set the defaultTo setting');
    const { addresses, invalid } = parseRecipients(list);
    if (invalid.length) throw badInput(`not an e-mail address: ${invalid.join(', ')}`);
    if (!addresses.length) throw badInput('no recipient');
    const content = mailContent({ subject: input.subject, text: input.text, link: input.link || undefined });
    const messageId = stableMessageId({
      connectionId: ctx.connection.id,
      idempotencyKey: ctx.idempotencyKey,
      input,
      from: settings.from,
    });
    // Recipients a server refuses while taking the others (a 550 for one address) do not fail the
    // step: retrying would send the message again to those who got it.
    const sent = await sendMail(ctx, {
      from: settings.from,
      to: addresses,
      ...content,
      messageId,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    });
    return { delivered: sent.accepted.length > 0, message_ref: sent.messageId };
  },
});

function badInput(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_INPUT', message, retryable: false });
}
