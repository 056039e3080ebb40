import {
  searchMessagesAction,
  type FoundMessage,
  type SearchMessagesInput,
} from '../../../src/integrations/kit/mailboxes';
import { badInput, enc, GmailClient, VENDOR, type GmailMailbox, type GmailMessage } from '../gmail.client';

const PAGE_SIZE = 100;
/** Copies read per mailbox at most (each costs a metadata read). */
const MAX_PER_MAILBOX = 500;
const HEADERS = ['Subject', 'From', 'Date', 'Message-ID'];

/** `messages.list` with a Gmail query (spam and trash included), then each hit's headers. */
export const searchMessages = searchMessagesAction('search_messages', {
  vendor: VENDOR,
  open(ctx, input) {
    const q = gmailQuery(input);
    const gmail = new GmailClient(ctx);
    return {
      mailboxSetting: gmail.settings.mailboxes,
      async each(mailbox) {
        const api = gmail.mailbox(mailbox);
        const ids = await listIds(api, q);
        const found: FoundMessage[] = [];
        // One mailbox's reads run one at a time: Gmail limits concurrent requests per user.
        for (const id of ids) {
          const res = await api.get<GmailMessage>(`/messages/${enc(id)}`, {
            format: 'metadata',
            metadataHeaders: HEADERS,
          });
          found.push(toFoundMessage(mailbox, res.body));
        }
        return found;
      },
    };
  },
});

async function listIds(api: GmailMailbox, q: string): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const res = await api.get<{ messages?: Array<{ id: string }>; nextPageToken?: string }>('/messages', {
      q,
      includeSpamTrash: 'true',
      maxResults: PAGE_SIZE,
      pageToken,
    });
    ids.push(...(res.body?.messages ?? []).map((m) => m.id));
    pageToken = res.body?.nextPageToken;
  } while (pageToken && ids.length < MAX_PER_MAILBOX);
  return ids.slice(0, MAX_PER_MAILBOX);
}

/** `rfc822msgid:<id> from:<address> subject:"<words>"`: Gmail ANDs space-separated terms. */
export function gmailQuery(input: SearchMessagesInput): string {
  const terms: string[] = [];
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const messageId = text(input.internet_message_id).replace(/^<|>$/g, '');
  if (messageId) terms.push(`rfc822msgid:${messageId}`);
  const sender = text(input.sender);
  if (sender) terms.push(`from:${/[\s"()]/.test(sender) ? `"${sender.replace(/"/g, '')}"` : sender}`);
  // Gmail phrases have no escape for a double quote: drop them.
  const subject = text(input.subject).replace(/"/g, ' ').replace(/\s+/g, ' ').trim();
  if (subject) terms.push(`subject:"${subject}"`);
  if (!terms.length) throw badInput('give at least one of internet_message_id, sender, subject');
  return terms.join(' ');
}

function toFoundMessage(mailbox: string, message: GmailMessage): FoundMessage {
  const header = (name: string) =>
    message.payload?.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
  const found: FoundMessage = { mailbox, message_id: message.id };
  const messageId = header('Message-ID');
  if (messageId) found.internet_message_id = messageId.trim();
  const subject = header('Subject');
  if (subject !== undefined) found.subject = subject;
  const from = header('From');
  if (from) found.sender = address(from);
  const received = receivedAt(message.internalDate, header('Date'));
  if (received) found.received_at = received;
  return found;
}

/** `"Billing" <billing@x.example>` → `billing@x.example`. */
function address(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();
}

/** Gmail's internalDate (epoch ms of receipt) when present; else the Date header. */
function receivedAt(internalDate: string | undefined, date: string | undefined): string | undefined {
  const ms =
    internalDate && /^\d+$/.test(internalDate) ? Number(internalDate) : date ? Date.parse(date) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
