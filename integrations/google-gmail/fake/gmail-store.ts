import { randomBytes } from 'node:crypto';

export const SYSTEM_LABELS = new Set([
  'INBOX',
  'SPAM',
  'TRASH',
  'UNREAD',
  'STARRED',
  'IMPORTANT',
  'SENT',
  'DRAFT',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
]);

/** What a test may say about a message; the rest gets plausible defaults. */
export interface GmailFakeMessageInput {
  mailbox: string;
  subject: string;
  /** Sender address. */
  from: string;
  fromName?: string;
  /** RFC 5322 Message-ID with angle brackets. */
  messageId?: string;
  /** ISO time of receipt. */
  date?: string;
  /** `['INBOX', 'UNREAD']` when absent. */
  labelIds?: string[];
  snippet?: string;
}

export interface GmailHeader {
  name: string;
  value: string;
}

export interface GmailFakeMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  snippet: string;
  historyId: string;
  /** Epoch milliseconds as a string, as Gmail sends it. */
  internalDate: string;
  sizeEstimate: number;
  headers: GmailHeader[];
  /** The labels it had before `trash`, for `untrash`. */
  trashedFrom?: string[];
}

export interface GmailFakeFilter {
  id: string;
  criteria: Record<string, unknown> & { from?: string };
  action: { addLabelIds?: string[]; removeLabelIds?: string[]; forward?: string };
}

export interface GmailFakeUser {
  email: string;
  messages: Map<string, GmailFakeMessage>;
  filters: Map<string, GmailFakeFilter>;
}

export const PHISH = {
  messageId: '<phish-001@attacker.example>',
  from: 'billing@attacker.example',
  fromName: 'Billing',
  subject: 'Invoice overdue',
};

export const DEFAULT_USERS = ['alice@example.com', 'bob@example.com', 'carol@example.com'];

export const DEFAULT_MESSAGES: GmailFakeMessageInput[] = [
  { mailbox: 'alice@example.com', ...PHISH, date: '2030-01-06T09:14:03Z' },
  { mailbox: 'bob@example.com', ...PHISH, date: '2030-01-06T09:14:05Z' },
  {
    mailbox: 'bob@example.com',
    messageId: '<phish-002@attacker.example>',
    from: 'billing@attacker.example',
    fromName: 'Billing',
    subject: 'Invoice overdue: final reminder',
    date: '2030-01-07T08:01:00Z',
  },
  {
    mailbox: 'alice@example.com',
    messageId: '<q3-report-17@example.com>',
    from: 'cfo@example.com',
    fromName: 'Dana (CFO)',
    subject: 'Q3 report',
    date: '2030-01-05T16:30:00Z',
    labelIds: ['INBOX'],
  },
  {
    mailbox: 'carol@example.com',
    messageId: '<newsletter-88@news.example>',
    from: 'news@news.example',
    subject: 'This week at Example',
    date: '2030-01-04T07:00:00Z',
    labelIds: ['SPAM'],
  },
];

/**
 * The fake's Workspace users: messages with labels, and settings filters that run on mail delivered
 * through `deliver`. Ids are per mailbox and never change; trash and untrash move labels only.
 */
export class GmailStore {
  private readonly byEmail = new Map<string, GmailFakeUser>();
  private history = 1000;

  constructor(users: string[], messages: GmailFakeMessageInput[]) {
    for (const email of users) this.addUser(email);
    for (const message of messages) this.deliver(message);
  }

  addUser(email: string): GmailFakeUser {
    const existing = this.user(email);
    if (existing) return existing;
    const user: GmailFakeUser = { email, messages: new Map(), filters: new Map() };
    this.byEmail.set(email.toLowerCase(), user);
    return user;
  }

  user(email: string): GmailFakeUser | undefined {
    return this.byEmail.get(email.toLowerCase());
  }

  all(): GmailFakeUser[] {
    return [...this.byEmail.values()];
  }

  /** Newest first, as Gmail lists them. */
  messages(user: GmailFakeUser): GmailFakeMessage[] {
    return [...user.messages.values()].sort((a, b) => Number(b.internalDate) - Number(a.internalDate));
  }

  nextHistoryId(): string {
    return String(++this.history);
  }

  /** A new message in a mailbox; the user's filters run on it first, as on delivery. */
  deliver(input: GmailFakeMessageInput): GmailFakeMessage {
    const user = this.user(input.mailbox) ?? this.addUser(input.mailbox);
    const at = input.date ? Date.parse(input.date) : Date.now();
    const id = randomBytes(8).toString('hex');
    const from = input.fromName ? `"${input.fromName}" <${input.from}>` : input.from;
    const message: GmailFakeMessage = {
      id,
      threadId: id,
      labelIds: [...(input.labelIds ?? ['INBOX', 'UNREAD'])],
      snippet: input.snippet ?? `${input.subject}. Please see the attached document.`,
      historyId: this.nextHistoryId(),
      internalDate: String(at),
      sizeEstimate: 4096,
      headers: [
        { name: 'From', value: from },
        { name: 'To', value: user.email },
        { name: 'Subject', value: input.subject },
        { name: 'Date', value: new Date(at).toUTCString().replace('GMT', '+0000') },
        { name: 'Message-ID', value: input.messageId ?? `<${randomBytes(6).toString('hex')}@fake.example>` },
      ],
    };
    for (const filter of user.filters.values()) {
      if (filterMatches(filter, message))
        this.relabel(message, filter.action.addLabelIds, filter.action.removeLabelIds);
    }
    user.messages.set(id, message);
    return message;
  }

  /** Adds TRASH (and takes the message out of the inbox); false when it was already there. */
  trash(message: GmailFakeMessage): boolean {
    if (message.labelIds.includes('TRASH')) return false;
    message.trashedFrom = [...message.labelIds];
    message.labelIds = [...message.labelIds.filter((l) => l !== 'INBOX' && l !== 'SPAM'), 'TRASH'];
    message.historyId = this.nextHistoryId();
    return true;
  }

  /** Removes TRASH and puts back the labels it had before; false when it was not in the Trash. */
  untrash(message: GmailFakeMessage): boolean {
    if (!message.labelIds.includes('TRASH')) return false;
    const before = (message.trashedFrom ?? []).filter((l) => l !== 'TRASH');
    message.labelIds = [...new Set([...message.labelIds.filter((l) => l !== 'TRASH'), ...before])];
    message.trashedFrom = undefined;
    message.historyId = this.nextHistoryId();
    return true;
  }

  /** `messages.modify`: returns whether TRASH came or went. */
  relabel(
    message: GmailFakeMessage,
    add: string[] = [],
    remove: string[] = [],
  ): { trashed: boolean; untrashed: boolean } {
    const had = message.labelIds.includes('TRASH');
    const labels = new Set(message.labelIds);
    for (const l of remove) labels.delete(l);
    for (const l of add) labels.add(l);
    // Delivery filters that trash mail keep it out of the inbox, as "Delete it" does.
    if (add.includes('TRASH')) labels.delete('INBOX');
    message.labelIds = [...labels];
    message.historyId = this.nextHistoryId();
    const has = labels.has('TRASH');
    return { trashed: !had && has, untrashed: had && !has };
  }

  addFilter(user: GmailFakeUser, filter: Omit<GmailFakeFilter, 'id'>): GmailFakeFilter {
    const created: GmailFakeFilter = { id: `ANe1Bm${randomBytes(12).toString('base64url')}`, ...filter };
    user.filters.set(created.id, created);
    return created;
  }

  /** The `from` of every filter that trashes all mail from it, in any mailbox (lower case). */
  blockedSenders(): Set<string> {
    const blocked = new Set<string>();
    for (const user of this.byEmail.values()) {
      for (const filter of user.filters.values()) {
        const onlyFrom = Object.keys(filter.criteria).every((k) => k === 'from');
        if (onlyFrom && filter.criteria.from && filter.action.addLabelIds?.includes('TRASH')) {
          blocked.add(filter.criteria.from.toLowerCase());
        }
      }
    }
    return blocked;
  }
}

export function header(message: GmailFakeMessage, name: string): string {
  return message.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? '';
}

/** `from` and `subject` criteria as substrings, the others as not matching (the fake keeps it simple). */
function filterMatches(filter: GmailFakeFilter, message: GmailFakeMessage): boolean {
  const entries = Object.entries(filter.criteria).filter(([, v]) => v !== undefined && v !== '');
  if (!entries.length) return false;
  return entries.every(([key, value]) => {
    if (typeof value !== 'string') return false;
    if (key === 'from') return header(message, 'From').toLowerCase().includes(value.toLowerCase());
    if (key === 'subject') return header(message, 'Subject').toLowerCase().includes(value.toLowerCase());
    return false;
  });
}
