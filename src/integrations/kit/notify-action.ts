import { CAPABILITIES } from './capabilities';
import type { ActionContext, IntegrationAction } from './integration.types';
import { SentLedger } from './sent-ledger';
import { VendorError } from './vendor-error';

export interface NotifyInput {
  to?: string;
  subject?: string;
  text: string;
  link?: string;
}

export interface NotifyOutput extends Record<string, unknown> {
  delivered: boolean;
  message_ref?: string;
}

/**
 * The shell every `notify.send` action shares: the contract, input checks that name the field,
 * and a SentLedger so a retried step returns its first answer instead of sending again. The
 * integration supplies only the delivery.
 */
export function notifyAction(spec: {
  vendor: string;
  description?: string;
  send: (ctx: ActionContext, input: NotifyInput & { text: string }) => Promise<NotifyOutput>;
}): IntegrationAction<NotifyInput, NotifyOutput> {
  const contract = CAPABILITIES['notify.send'];
  const ledger = new SentLedger<NotifyOutput>();
  const badInput = (message: string) =>
    new VendorError({ vendor: spec.vendor, code: 'BAD_INPUT', message, retryable: false });
  return {
    name: 'send_message',
    description: spec.description ?? contract.description,
    inputSchema: contract.input,
    outputSchema: contract.output,
    mutating: true,
    async run(ctx, input) {
      const text = typeof input?.text === 'string' ? input.text : '';
      if (!text.trim()) throw badInput('text is required');
      for (const field of ['to', 'subject', 'link'] as const) {
        if (input[field] !== undefined && input[field] !== null && typeof input[field] !== 'string')
          throw badInput(`${field} must be a string`);
      }
      if (input.link && !/^https?:\/\/\S+$/i.test(input.link)) throw badInput('link must be an http(s) URL');
      const earlier = ledger.recall(ctx, input);
      if (earlier) return earlier;
      const output = await spec.send(ctx, { ...input, text });
      ledger.remember(ctx, input, output);
      return output;
    },
  };
}
