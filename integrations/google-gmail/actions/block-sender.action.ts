import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { GmailClient, requiredString, VENDOR, type GmailFilter } from '../gmail.client';
import { mapLimit, targetMailboxes } from '../../../src/integrations/kit/mailboxes';

export interface BlockSenderInput {
  sender: string;
  mailboxes?: string[];
}

export interface BlockSenderOutput extends Record<string, unknown> {
  sender: string;
  blocked: boolean;
  already: boolean;
}

const contract = CAPABILITIES['email.block_sender'];
const PARALLEL_MAILBOXES = 4;

export const blockSender: IntegrationAction<BlockSenderInput, BlockSenderOutput> = {
  name: 'block_sender',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /**
   * Creates a filter "from X → add label TRASH" in each mailbox that has no filter trashing X's
   * mail yet. `already` is true only when every mailbox had one.
   */
  async run(ctx: ActionContext, input: BlockSenderInput): Promise<BlockSenderOutput> {
    const sender = requiredString(input, 'sender').toLowerCase();
    const gmail = new GmailClient(ctx);
    const mailboxes = targetMailboxes(VENDOR, input?.mailboxes, gmail.settings.mailboxes);
    const created = await mapLimit(mailboxes, PARALLEL_MAILBOXES, async (mailbox) => {
      const api = gmail.mailbox(mailbox);
      const res = await api.get<{ filter?: GmailFilter[] }>('/settings/filters');
      if ((res.body?.filter ?? []).some((f) => blocks(f, sender))) return false;
      await api.post('/settings/filters', { criteria: { from: sender }, action: { addLabelIds: ['TRASH'] } });
      return true;
    });
    return { sender, blocked: true, already: !created.some(Boolean) };
  },
};

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
