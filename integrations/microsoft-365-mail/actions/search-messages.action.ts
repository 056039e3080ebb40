import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import {
  badInput,
  enc,
  GraphMailClient,
  MESSAGE_FIELDS,
  VENDOR,
  type GraphMessage,
} from '../graph-mail.client';
import { mapLimit, targetMailboxes } from '../../../src/integrations/kit/mailboxes';

export interface SearchMessagesInput {
  internet_message_id?: string;
  sender?: string;
  subject?: string;
  mailboxes?: string[];
}

export interface FoundMessage extends Record<string, unknown> {
  mailbox: string;
  message_id: string;
  internet_message_id?: string;
  subject?: string;
  sender?: string;
  received_at?: string;
}

export interface SearchMessagesOutput extends Record<string, unknown> {
  messages: FoundMessage[];
  count: number;
}

const contract = CAPABILITIES['email.search_messages'];
/** Mailboxes searched at once: Graph throttles per mailbox, so parallel mailboxes cost nothing extra. */
const PARALLEL_MAILBOXES = 4;
const PAGE_SIZE = 100;

export const searchMessages: IntegrationAction<SearchMessagesInput, SearchMessagesOutput> = {
  name: 'search_messages',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: false,
  /** Lists matching messages (every folder) in each mailbox with one `$filter` query per mailbox. */
  async run(ctx: ActionContext, input: SearchMessagesInput): Promise<SearchMessagesOutput> {
    const filter = odataFilter(input ?? {});
    const graph = new GraphMailClient(ctx);
    const mailboxes = targetMailboxes(VENDOR, input?.mailboxes, graph.settings.mailboxes);
    const perMailbox = await mapLimit(mailboxes, PARALLEL_MAILBOXES, async (mailbox) => {
      const found = await graph.collect<GraphMessage>(`/users/${enc(mailbox)}/messages`, {
        $filter: filter,
        $select: MESSAGE_FIELDS,
        $top: PAGE_SIZE,
      });
      return found.map((m) => toFoundMessage(mailbox, m));
    });
    const messages = perMailbox.flat();
    return { messages, count: messages.length };
  },
};

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
