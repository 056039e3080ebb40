import {
  searchMessagesAction,
  type FoundMessage,
  type SearchMessagesInput,
} from '../../../src/integrations/kit/mailboxes';
import {
  badInput,
  enc,
  GraphMailClient,
  MESSAGE_FIELDS,
  VENDOR,
  type GraphMessage,
} from '../graph-mail.client';

const PAGE_SIZE = 100;

/** Lists matching messages (every folder) in each mailbox with one `$filter` query per mailbox. */
export const searchMessages = searchMessagesAction('search_messages', {
  vendor: VENDOR,
  open(ctx, input) {
    const filter = odataFilter(input);
    const graph = new GraphMailClient(ctx);
    return {
      mailboxSetting: graph.settings.mailboxes,
      async each(mailbox) {
        const found = await graph.collect<GraphMessage>(`/users/${enc(mailbox)}/messages`, {
          $filter: filter,
          $select: MESSAGE_FIELDS,
          $top: PAGE_SIZE,
        });
        return found.map((m) => toFoundMessage(mailbox, m));
      },
    };
  },
});

/** `internetMessageId eq '<…>' and from/emailAddress/address eq '…' and subject eq '…'`. */
export function odataFilter(input: SearchMessagesInput): string {
  const clauses: string[] = [];
  const add = (property: string, value: unknown) => {
    if (typeof value === 'string' && value.trim())
      clauses.push(`${property} eq ${odataString(value.trim())}`);
  };
  add('internetMessageId', normaliseMessageId(input.internet_message_id));
  add('from/emailAddress/address', input.sender);
  add('subject', input.subject);
  if (!clauses.length) throw badInput('give at least one of internet_message_id, sender, subject');
  return clauses.join(' and ');
}

/** Graph stores the Message-ID with its angle brackets; accept it with or without them. */
function normaliseMessageId(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const bare = value.trim().replace(/^<|>$/g, '');
  return `<${bare}>`;
}

/** OData string literals double their single quotes. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function toFoundMessage(mailbox: string, m: GraphMessage): FoundMessage {
  const found: FoundMessage = { mailbox, message_id: m.id };
  if (m.internetMessageId) found.internet_message_id = m.internetMessageId;
  if (typeof m.subject === 'string') found.subject = m.subject;
  const sender = m.from?.emailAddress?.address;
  if (sender) found.sender = sender;
  if (m.receivedDateTime) found.received_at = m.receivedDateTime;
  return found;
}
