import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { SentLedger } from '../../../src/integrations/kit/sent-ledger';
import { deliver, VENDOR, type WebhookPayload } from '../webhook.client';

export interface SendMessageInput {
  to?: string;
  subject?: string;
  text: string;
  link?: string;
}

export interface SendMessageOutput extends Record<string, unknown> {
  delivered: boolean;
  /** The X-Cordon-Delivery id the receiver saw. */
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
  /** Signs and POSTs {subject, text, link, sent_at} to the configured URL; any 2xx is delivered. */
  async run(ctx: ActionContext, input: SendMessageInput): Promise<SendMessageOutput> {
    const text = typeof input?.text === 'string' ? input.text : '';
    if (!text.trim()) throw badInput('text is required');
    for (const field of ['to', 'subject', 'link'] as const) {
      if (input[field] !== undefined && input[field] !== null && typeof input[field] !== 'string')
        throw badInput(`${field} must be a string`);
    }
    if (input.link && !/^https?:\/\/\S+$/i.test(input.link)) throw badInput('link must be an http(s) URL');
    const earlier = ledger.recall(ctx, input);
    if (earlier) return earlier;

    const payload: WebhookPayload = {
      subject: input.subject || null,
      text,
      link: input.link || null,
      sent_at: new Date().toISOString(),
      ...(input.to ? { to: input.to } : {}),
    };
    const { deliveryId } = await deliver(ctx, payload, 'notification');
    const output: SendMessageOutput = { delivered: true, message_ref: deliveryId };
    ledger.remember(ctx, input, output);
    return output;
  },
};

function badInput(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_INPUT', message, retryable: false });
}
