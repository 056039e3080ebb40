import { messageStateAction } from '../../../src/integrations/kit/mailboxes';
import { enc, GmailClient, VENDOR } from '../gmail.client';

/** Moves a message to the Trash (`messages.trash`); one already there is left alone. Gmail ids never change. */
export const quarantineMessage = messageStateAction('quarantine_message', 'email.quarantine_message', {
  vendor: VENDOR,
  async apply(ctx, mailbox, messageId) {
    const api = new GmailClient(ctx).mailbox(mailbox);
    if ((await api.labels(messageId)).includes('TRASH')) return { already: true };
    await api.post(`/messages/${enc(messageId)}/trash`);
    return { already: false };
  },
});
