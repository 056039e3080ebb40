import { CAPABILITIES } from './capabilities';
import type { ActionContext, IntegrationAction } from './integration.types';
import { VendorError } from './vendor-error';

/** A comma-, semicolon- or space-separated list (or an array) of addresses, de-duplicated ignoring case. */
export function parseMailboxList(value: unknown): string[] {
  const parts = Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? value.split(/[\s,;]+/)
      : [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of parts) {
    const mailbox = part.trim();
    if (!mailbox || seen.has(mailbox.toLowerCase())) continue;
    seen.add(mailbox.toLowerCase());
    out.push(mailbox);
  }
  return out;
}

/** The mailboxes an action works on: the input's when it names any, else the connection's setting. */
export function targetMailboxes(vendor: string, input: unknown, setting: unknown): string[] {
  const given = parseMailboxList(input);
  const mailboxes = given.length ? given : parseMailboxList(setting);
  if (!mailboxes.length) {
    throw new VendorError({
      vendor,
      code: 'BAD_INPUT',
      message: 'no mailboxes: name them in the input or in the connection’s mailboxes setting',
      retryable: false,
    });
  }
  return mailboxes;
}

/**
 * Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the result. After
 * a failure no new item starts; the first error is thrown once the running ones have settled.
 */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

export interface SearchMessagesInput {
  internet_message_id?: string;
  sender?: string;
  subject?: string;
  mailboxes?: string[];
}

/** One copy of a message in one mailbox, as `email.search_messages` reports it. */
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

export interface BlockSenderInput {
  sender: string;
  mailboxes?: string[];
}

export interface BlockSenderOutput extends Record<string, unknown> {
  sender: string;
  blocked: boolean;
  already: boolean;
}

export interface MessageRef {
  mailbox: string;
  message_id: string;
}

export interface MessageState extends Record<string, unknown> {
  mailbox: string;
  message_id: string;
  status: string;
  already: boolean;
}

/** One call of a mailbox action: the connection's mailboxes setting and the work in one mailbox. */
export interface MailboxFanOut<R> {
  /** The connection's `mailboxes` setting, used when the input names none. */
  mailboxSetting: unknown;
  each(mailbox: string): Promise<R>;
}

/** Mailboxes worked on at once: Gmail and Graph throttle per mailbox, so parallel mailboxes cost nothing extra. */
export const PARALLEL_MAILBOXES = 4;

/**
 * `email.search_messages` over the input's mailboxes (or the connection's): `open` checks the
 * criteria and builds the vendor's query, then searches one mailbox per `each`.
 */
export function searchMessagesAction(
  name: string,
  vendor: {
    vendor: string;
    open(ctx: ActionContext, input: SearchMessagesInput): MailboxFanOut<FoundMessage[]>;
  },
): IntegrationAction<SearchMessagesInput, SearchMessagesOutput> {
  return {
    ...contractOf(name, 'email.search_messages'),
    async run(ctx, input) {
      const perMailbox = await fanOut(vendor.vendor, input?.mailboxes, vendor.open(ctx, input ?? {}));
      const messages = perMailbox.flat();
      return { messages, count: messages.length };
    },
  };
}

/**
 * `email.block_sender` in each mailbox: `each` blocks the (lower-cased) sender there unless a rule
 * already does, and says whether it made one. `already` is true only when every mailbox had one.
 */
export function blockSenderAction(
  name: string,
  vendor: { vendor: string; open(ctx: ActionContext, sender: string): MailboxFanOut<boolean> },
): IntegrationAction<BlockSenderInput, BlockSenderOutput> {
  return {
    ...contractOf(name, 'email.block_sender'),
    async run(ctx, input) {
      const sender = requiredString(vendor.vendor, input, 'sender').toLowerCase();
      const created = await fanOut(vendor.vendor, input?.mailboxes, vendor.open(ctx, sender));
      return { sender, blocked: true, already: !created.some(Boolean) };
    },
  };
}

/**
 * `email.quarantine_message` / `email.restore_message` on one copy: `apply` checks the copy's
 * state first and changes it only when needed, returning its id afterwards when the move changed it.
 */
export function messageStateAction(
  name: string,
  capability: 'email.quarantine_message' | 'email.restore_message',
  vendor: {
    vendor: string;
    apply(
      ctx: ActionContext,
      mailbox: string,
      messageId: string,
    ): Promise<{ already: boolean; messageId?: string }>;
  },
): IntegrationAction<MessageRef, MessageState> {
  const status = capability === 'email.quarantine_message' ? 'quarantined' : 'restored';
  return {
    ...contractOf(name, capability),
    async run(ctx, input) {
      const mailbox = requiredString(vendor.vendor, input, 'mailbox');
      const messageId = requiredString(vendor.vendor, input, 'message_id');
      const done = await vendor.apply(ctx, mailbox, messageId);
      return { mailbox, message_id: done.messageId ?? messageId, status, already: done.already };
    },
  };
}

function contractOf(name: string, capability: string) {
  const contract = CAPABILITIES[capability];
  return {
    name,
    description: contract.description,
    inputSchema: contract.input,
    outputSchema: contract.output,
    mutating: contract.mutating,
  };
}

function fanOut<R>(vendor: string, mailboxes: unknown, call: MailboxFanOut<R>): Promise<R[]> {
  const targets = targetMailboxes(vendor, mailboxes, call.mailboxSetting);
  return mapLimit(targets, PARALLEL_MAILBOXES, (mailbox) => call.each(mailbox));
}

/** A required, trimmed string field of an action's input. */
function requiredString(vendor: string, input: unknown, field: string): string {
  const value = (input as Record<string, unknown> | undefined)?.[field];
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text)
    throw new VendorError({ vendor, code: 'BAD_INPUT', message: `${field} is required`, retryable: false });
  return text;
}
