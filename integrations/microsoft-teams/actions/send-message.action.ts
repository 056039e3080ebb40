import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { SentLedger } from '../../../src/integrations/kit/sent-ledger';
import { adaptiveCardMessage, postToWebhook, VENDOR } from '../teams.client';

export interface SendMessageInput {
  /** Ignored: an incoming webhook always posts to the channel it was created in. */
  to?: string;
  subject?: string;
  text: string;
  link?: string;
}

export interface SendMessageOutput extends Record<string, unknown> {
  delivered: boolean;
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
  /** Posts an Adaptive Card (title, text, "Open in Cordon") to the channel's incoming webhook. */
  async run(ctx: ActionContext, input: SendMessageInput): Promise<SendMessageOutput> {
    const text = typeof input?.text === 'string' ? input.text : '';
    if (!text.trim()) throw badInput('text is required');
    if (input.subject !== undefined && typeof input.subject !== 'string')
      throw badInput('subject must be a string');
    const link = checkLink(input.link);
    const earlier = ledger.recall(ctx, input);
    if (earlier) return earlier;

    const card = adaptiveCardMessage({ title: input.subject?.trim() || 'Cordon notification', text, link });
    const delivery = await postToWebhook(ctx, card);
    const output: SendMessageOutput = { delivered: true };
    if (delivery.requestId) output.message_ref = delivery.requestId;
    ledger.remember(ctx, input, output);
    return output;
  },
};

function badInput(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_INPUT', message, retryable: false });
}

/** Only http(s) links become an Action.OpenUrl. */
function checkLink(link: unknown): string | undefined {
  if (link === undefined || link === null || link === '') return undefined;
  if (typeof link !== 'string' || !/^https?:\/\/[^\s]+$/i.test(link))
    throw badInput('link must be an http(s) URL');
  return link;
}
