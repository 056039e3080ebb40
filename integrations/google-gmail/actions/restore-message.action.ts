import { messageStateAction } from '../../../src/integrations/kit/mailboxes';
import { enc, GmailClient, VENDOR, type GmailMessage } from '../gmail.client';

/**
 * Takes a message out of the Trash (`messages.untrash`) and, if that did not bring back the
 * INBOX label (it was archived before), adds it: the capability promises the inbox. A message
 * in the inbox and not in the Trash is left alone.
 */
export const restoreMessage = messageStateAction('restore_message', 'email.restore_message', {
  vendor: VENDOR,
  async apply(ctx, mailbox, messageId) {
    const api = new GmailClient(ctx).mailbox(mailbox);
    let labels = await api.labels(messageId);
    if (!labels.includes('TRASH') && labels.includes('INBOX')) return { already: true };
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
    return { already: false };
  },
});
