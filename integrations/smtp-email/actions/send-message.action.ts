import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { mailContent, parseRecipients, stableMessageId } from '../mail-content';
import { SentLedger } from '../../../src/integrations/kit/sent-ledger';
import { readSettings, sendMail, VENDOR } from '../smtp.client';

export interface SendMessageInput {
  /** One address or a comma-separated list; the connection's defaultTo when left out. */
  to?: string;
  subject?: string;
  text: string;
  link?: string;
}

export interface SendMessageOutput extends Record<string, unknown> {
  delivered: boolean;
  /** The Message-ID header. */
  message_ref?: string;
}

const contract = CAPABILITIES['notify.send'];
const ledger = new SentLedger<SendMessageOutput>();

export const sendMessage: IntegrationAction<SendMessageInput, SendMessageOutput> = {
  name: 'send_message',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /** Sends a plain-text e-mail with an escaped HTML alternative through the SMTP relay. */
  async run(ctx: ActionContext, input: SendMessageInput): Promise<SendMessageOutput> {
    const text = typeof input?.text === 'string' ? input.text : '';
    if (!text.trim()) throw badInput('text is required');
    for (const field of ['to', 'subject', 'link'] as const) {
      if (input[field] !== undefined && input[field] !== null && typeof input[field] !== 'string')
        throw badInput(`${field} must be a string`);
    }
    if (input.link && !/^https?:\/\/\S+$/i.test(input.link)) throw badInput('link must be an http(s) URL');
    const settings = readSettings(ctx);
    const list = input.to?.trim() || settings.defaultTo;
    if (!list) throw badInput('no recipient: give `to` or set the defaultTo setting');
    const { addresses, invalid } = parseRecipients(list);
    if (invalid.length) throw badInput(`not an e-mail address: ${invalid.join(', ')}`);
    if (!addresses.length) throw badInput('no recipient');
    const earlier = ledger.recall(ctx, input);
    if (earlier) return earlier;

    const content = mailContent({ subject: input.subject, text, link: input.link || undefined });
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
    const output: SendMessageOutput = { delivered: sent.accepted.length > 0, message_ref: sent.messageId };
    ledger.remember(ctx, input, output);
    return output;
  },
};

function badInput(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_INPUT', message, retryable: false });
}
