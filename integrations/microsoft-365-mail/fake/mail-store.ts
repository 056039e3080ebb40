import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Well-known folder names Graph accepts in place of a folder id, with their display names. */
export const WELL_KNOWN_FOLDERS: Record<string, string> = {
  inbox: 'Inbox',
  deleteditems: 'Deleted Items',
  junkemail: 'Junk Email',
  archive: 'Archive',
  drafts: 'Drafts',
  sentitems: 'Sent Items',
  recoverableitemsdeletions: 'Deletions',
};

/** What a test may say about a message; the rest gets plausible defaults. */
export interface GraphFakeMessageInput {
  mailbox: string;
  subject: string;
  /** Sender address. */
  from: string;
  fromName?: string;
  internetMessageId?: string;
  /** Well-known folder name; `inbox` when absent. */
  folder?: string;
  receivedDateTime?: string;
  bodyPreview?: string;
}

export interface EmailAddress {
  emailAddress: { name: string; address: string };
}

/** A message in the shape of Graph's `message` resource (the fields worth faking). */
export interface GraphFakeMessage {
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  receivedDateTime: string;
  sentDateTime: string;
  hasAttachments: boolean;
  internetMessageId: string;
  subject: string;
  bodyPreview: string;
  importance: string;
  parentFolderId: string;
  conversationId: string;
  isRead: boolean;
  isDraft: boolean;
  from: EmailAddress;
  sender: EmailAddress;
  toRecipients: EmailAddress[];
  ccRecipients: EmailAddress[];
  bccRecipients: EmailAddress[];
  replyTo: EmailAddress[];
  body: { contentType: string; content: string };
  flag: { flagStatus: string };
}

export interface GraphFakeFolder {
  id: string;
  displayName: string;
  parentFolderId: string;
  wellKnownName: string;
  childFolderCount: number;
  unreadItemCount: number;
  totalItemCount: number;
}

export interface GraphFakeRule {
  id: string;
  displayName: string;
  sequence: number;
  isEnabled: boolean;
  hasError: boolean;
  isReadOnly: boolean;
  conditions: { senderContains?: string[]; [key: string]: unknown };
  actions: {
    delete?: boolean;
    permanentDelete?: boolean;
    stopProcessingRules?: boolean;
    [key: string]: unknown;
  };
}

export interface GraphFakeMailbox {
  upn: string;
  id: string;
  folders: Map<string, GraphFakeFolder>;
  messages: Map<string, GraphFakeMessage>;
  rules: Map<string, GraphFakeRule>;
}

export const PHISH = {
  internetMessageId: '<phish-001@attacker.example>',
  from: 'billing@attacker.example',
  subject: 'Invoice overdue',
};

export const DEFAULT_MAILBOXES = ['alice@example.com', 'bob@example.com', 'carol@example.com'];

export const DEFAULT_MESSAGES: GraphFakeMessageInput[] = [
  { mailbox: 'alice@example.com', ...PHISH, fromName: 'Billing', receivedDateTime: '2030-01-06T09:14:03Z' },
  { mailbox: 'bob@example.com', ...PHISH, fromName: 'Billing', receivedDateTime: '2030-01-06T09:14:05Z' },
  {
    mailbox: 'bob@example.com',
    internetMessageId: '<phish-002@attacker.example>',
    from: 'billing@attacker.example',
    fromName: 'Billing',
    subject: 'Invoice overdue: final reminder',
    receivedDateTime: '2030-01-07T08:01:00Z',
  },
  {
    mailbox: 'alice@example.com',
    internetMessageId: '<q3-report-17@example.com>',
    from: 'cfo@example.com',
    fromName: 'Dana (CFO)',
    subject: 'Q3 report',
    receivedDateTime: '2030-01-05T16:30:00Z',
  },
  {
    mailbox: 'carol@example.com',
    internetMessageId: '<newsletter-88@news.example>',
    from: 'news@news.example',
    subject: 'This week at Example',
    folder: 'junkemail',
    receivedDateTime: '2030-01-04T07:00:00Z',
  },
];

/**
 * The fake's mailboxes: folders, messages and inbox rules. Like Exchange, a message gets a new id
 * when it moves to another folder; rules run on mail delivered through `deliver`.
 */
export class GraphMailStore {
  private readonly byUpn = new Map<string, GraphFakeMailbox>();

  constructor(mailboxes: string[], messages: GraphFakeMessageInput[]) {
    for (const upn of mailboxes) this.addMailbox(upn);
    for (const message of messages) this.deliver(message);
  }

  addMailbox(upn: string): GraphFakeMailbox {
    const existing = this.mailbox(upn);
    if (existing) return existing;
    const mailbox: GraphFakeMailbox = {
      upn,
      id: stableGuid(upn),
      folders: new Map(),
      messages: new Map(),
      rules: new Map(),
    };
    const root = graphId('AQMkAD');
    for (const [wellKnownName, displayName] of Object.entries(WELL_KNOWN_FOLDERS)) {
      const folder: GraphFakeFolder = {
        id: graphId('AAMkAG'),
        displayName,
        parentFolderId: root,
        wellKnownName,
        childFolderCount: 0,
        unreadItemCount: 0,
        totalItemCount: 0,
      };
      mailbox.folders.set(folder.id, folder);
    }
    this.byUpn.set(upn.toLowerCase(), mailbox);
    return mailbox;
  }

  mailbox(upn: string): GraphFakeMailbox | undefined {
    return this.byUpn.get(upn.toLowerCase());
  }

  all(): GraphFakeMailbox[] {
    return [...this.byUpn.values()];
  }

  /** A folder by id or well-known name (case-insensitive, as Graph's are). */
  folder(mailbox: GraphFakeMailbox, idOrName: string): GraphFakeFolder | undefined {
    const byId = mailbox.folders.get(idOrName);
    if (byId) return byId;
    const name = idOrName.toLowerCase();
    return [...mailbox.folders.values()].find((f) => f.wellKnownName === name);
  }

  /** Newest first, as Graph lists messages. */
  messages(mailbox: GraphFakeMailbox): GraphFakeMessage[] {
    return [...mailbox.messages.values()].sort((a, b) =>
      b.receivedDateTime.localeCompare(a.receivedDateTime),
    );
  }

  folderCounts(mailbox: GraphFakeMailbox, folder: GraphFakeFolder): GraphFakeFolder {
    const inFolder = [...mailbox.messages.values()].filter((m) => m.parentFolderId === folder.id);
    return {
      ...folder,
      totalItemCount: inFolder.length,
      unreadItemCount: inFolder.filter((m) => !m.isRead).length,
    };
  }

  /** Moves a message; a real move re-keys it under a new id. Returns whether it changed folder. */
  move(
    mailbox: GraphFakeMailbox,
    message: GraphFakeMessage,
    folder: GraphFakeFolder,
  ): { message: GraphFakeMessage; moved: boolean } {
    if (message.parentFolderId === folder.id) return { message, moved: false };
    mailbox.messages.delete(message.id);
    const now = new Date().toISOString();
    const moved: GraphFakeMessage = {
      ...message,
      id: graphId('AAMkAG'),
      parentFolderId: folder.id,
      lastModifiedDateTime: now,
      changeKey: randomBytes(12).toString('base64'),
    };
    mailbox.messages.set(moved.id, moved);
    return { message: moved, moved: true };
  }

  /** Puts a new message in a mailbox, running its enabled inbox rules first (as delivery would). */
  deliver(input: GraphFakeMessageInput): GraphFakeMessage {
    const mailbox = this.mailbox(input.mailbox) ?? this.addMailbox(input.mailbox);
    let folder = this.folder(mailbox, input.folder ?? 'inbox');
    if (!folder) throw new Error(`unknown folder "${input.folder}"`);
    if (folder.wellKnownName === 'inbox' && this.rulesDelete(mailbox, input.from)) {
      folder = this.folder(mailbox, 'deleteditems')!;
    }
    const received = input.receivedDateTime ?? new Date().toISOString();
    const from = { emailAddress: { name: input.fromName ?? input.from, address: input.from } };
    const message: GraphFakeMessage = {
      id: graphId('AAMkAG'),
      createdDateTime: received,
      lastModifiedDateTime: received,
      changeKey: randomBytes(12).toString('base64'),
      categories: [],
      receivedDateTime: received,
      sentDateTime: received,
      hasAttachments: false,
      internetMessageId: input.internetMessageId ?? `<${randomUUID()}@fake.example>`,
      subject: input.subject,
      bodyPreview: input.bodyPreview ?? `${input.subject}. Please see the attached document.`,
      importance: 'normal',
      parentFolderId: folder.id,
      conversationId: graphId('AAQkAG'),
      isRead: false,
      isDraft: false,
      from,
      sender: from,
      toRecipients: [{ emailAddress: { name: mailbox.upn, address: mailbox.upn } }],
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      body: { contentType: 'html', content: `<html><body>${input.subject}</body></html>` },
      flag: { flagStatus: 'notFlagged' },
    };
    mailbox.messages.set(message.id, message);
    return message;
  }

  addRule(
    mailbox: GraphFakeMailbox,
    rule: Omit<GraphFakeRule, 'id' | 'hasError' | 'isReadOnly'>,
  ): GraphFakeRule {
    const created: GraphFakeRule = { ...rule, id: graphId('AQAAA'), hasError: false, isReadOnly: false };
    mailbox.rules.set(created.id, created);
    return created;
  }

  /** Every `senderContains` string of an enabled deleting rule, in any mailbox (lower case). */
  blockedSenders(): Set<string> {
    const blocked = new Set<string>();
    for (const mailbox of this.byUpn.values()) {
      for (const rule of mailbox.rules.values()) {
        if (!deletes(rule)) continue;
        for (const part of rule.conditions.senderContains ?? []) blocked.add(part.toLowerCase());
      }
    }
    return blocked;
  }

  private rulesDelete(mailbox: GraphFakeMailbox, from: string): boolean {
    const sender = from.toLowerCase();
    return [...mailbox.rules.values()].some(
      (rule) =>
        deletes(rule) && (rule.conditions.senderContains ?? []).some((p) => sender.includes(p.toLowerCase())),
    );
  }
}

function deletes(rule: GraphFakeRule): boolean {
  return rule.isEnabled && (rule.actions.delete === true || rule.actions.permanentDelete === true);
}

/** Exchange ids are long base64 strings with a recognisable prefix. */
function graphId(prefix: string): string {
  return `${prefix}${randomBytes(48).toString('base64url')}AAA=`;
}

function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
