import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { enc, GmailClient, requiredString } from '../gmail.client';
import type { MessageRef, MessageState } from './message-state';

const contract = CAPABILITIES['email.quarantine_message'];

export const quarantineMessage: IntegrationAction<MessageRef, MessageState> = {
  name: 'quarantine_message',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /** Moves a message to the Trash (`messages.trash`); one already there is left alone. */
  async run(ctx: ActionContext, input: MessageRef): Promise<MessageState> {
    const mailbox = requiredString(input, 'mailbox');
    const messageId = requiredString(input, 'message_id');
    const api = new GmailClient(ctx).mailbox(mailbox);
    const state = { mailbox, message_id: messageId, status: 'quarantined' };
    if ((await api.labels(messageId)).includes('TRASH')) return { ...state, already: true };
    await api.post(`/messages/${enc(messageId)}/trash`);
    return { ...state, already: false };
  },
};
