import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { enc, GmailClient, requiredString, type GmailMessage } from '../gmail.client';
import type { MessageRef, MessageState } from './message-state';

const contract = CAPABILITIES['email.restore_message'];

export const restoreMessage: IntegrationAction<MessageRef, MessageState> = {
  name: 'restore_message',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /**
   * Takes a message out of the Trash (`messages.untrash`) and, if that did not bring back the
   * INBOX label (it was archived before), adds it: the capability promises the inbox. A message
   * in the inbox and not in the Trash is left alone.
   */
  async run(ctx: ActionContext, input: MessageRef): Promise<MessageState> {
    const mailbox = requiredString(input, 'mailbox');
    const messageId = requiredString(input, 'message_id');
    const api = new GmailClient(ctx).mailbox(mailbox);
    const state = { mailbox, message_id: messageId, status: 'restored' };
    let labels = await api.labels(messageId);
    if (!labels.includes('TRASH') && labels.includes('INBOX')) return { ...state, already: true };
    if (labels.includes('TRASH')) {
      const res = await api.post<GmailMessage>(`/messages/${enc(messageId)}/untrash`);
      labels = res.body?.labelIds ?? [];
    }
    if (!labels.includes('INBOX')) {
      await api.post(`/messages/${enc(messageId)}/modify`, {
        addLabelIds: ['INBOX'],
        ...(labels.includes('SPAM') ? { removeLabelIds: ['SPAM'] } : {}),
      });
    }
    return { ...state, already: false };
  },
};
