import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { SentLedger } from '../../../src/integrations/kit/sent-ledger';
import { notificationMessage } from '../slack-blocks';
import { checkLink, optionalText, requiredText, SlackClient, type SlackPosted } from '../slack.client';

export interface SendMessageInput {
  to?: string;
  subject?: string;
  text: string;
  link?: string;
}

export interface SendMessageOutput extends Record<string, unknown> {
  delivered: boolean;
  /** `<channel id>:<ts>`, what chat.update and permalinks need. */
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
  /** Posts to a channel (or a user's DM, given an e-mail address) with chat.postMessage. */
  async run(ctx: ActionContext, input: SendMessageInput): Promise<SendMessageOutput> {
    const text = requiredText(input?.text, 'text');
    const subject = optionalText(input.subject, 'subject');
    const link = checkLink(input.link);
    const to = optionalText(input.to, 'to');
    const earlier = ledger.recall(ctx, input);
    if (earlier) return earlier;

    const slack = new SlackClient(ctx);
    const channel = await slack.destination(to);
    const message = notificationMessage({ subject, text, link });
    const posted = await slack.post<SlackPosted>('chat.postMessage', {
      channel,
      ...message,
      unfurl_links: false,
      unfurl_media: false,
    });
    const output: SendMessageOutput = { delivered: true, message_ref: `${posted.channel}:${posted.ts}` };
    ledger.remember(ctx, input, output);
    return output;
  },
};
