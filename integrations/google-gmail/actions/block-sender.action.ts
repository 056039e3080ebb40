import { blockSenderAction } from '../../../src/integrations/kit/mailboxes';
import { GmailClient, VENDOR, type GmailFilter } from '../gmail.client';

/**
 * Creates a filter "from X → add label TRASH" in each mailbox that has no filter trashing X's
 * mail yet (`email.block_sender`).
 */
export const blockSender = blockSenderAction('block_sender', {
  vendor: VENDOR,
  open(ctx, sender) {
    const gmail = new GmailClient(ctx);
    return {
      mailboxSetting: gmail.settings.mailboxes,
      async each(mailbox) {
        const api = gmail.mailbox(mailbox);
        const res = await api.get<{ filter?: GmailFilter[] }>('/settings/filters');
        if ((res.body?.filter ?? []).some((f) => blocks(f, sender))) return false;
        await api.post('/settings/filters', {
          criteria: { from: sender },
          action: { addLabelIds: ['TRASH'] },
        });
        return true;
      },
    };
  },
});

/**
 * A filter that trashes all mail from this sender: `from` matches as a substring (a domain filter
 * covers its addresses); a filter with further criteria catches only some of it and does not count.
 */
export function blocks(filter: GmailFilter, sender: string): boolean {
  if (!filter.action?.addLabelIds?.includes('TRASH')) return false;
  const criteria = filter.criteria ?? {};
  const narrower = Object.entries(criteria).some(
    ([key, v]) => !NOT_NARROWING.has(key) && v !== undefined && v !== null && v !== '' && v !== false,
  );
  if (narrower) return false;
  const wanted = typeof criteria.from === 'string' ? criteria.from.trim().toLowerCase() : '';
  return !!wanted && sender.includes(wanted);
}

/** Criteria that do not narrow what a `from` filter catches (sizeComparison means nothing without size). */
const NOT_NARROWING = new Set(['from', 'sizeComparison', 'excludeChats']);
