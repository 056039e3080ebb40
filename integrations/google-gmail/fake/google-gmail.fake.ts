import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import { defaultFakeKeyPair, fakeServiceAccountKey, GMAIL_FAKE_CLIENT_EMAIL } from './fake-keys';
import { parseGmailQuery } from './gmail-query';
import {
  googleError,
  googleErrorBody,
  INSUFFICIENT_SCOPES,
  NOT_FOUND,
  UNAUTHENTICATED,
} from './gmail-responses';
import {
  DEFAULT_MESSAGES,
  DEFAULT_USERS,
  GmailStore,
  header,
  SYSTEM_LABELS,
  type GmailFakeMessage,
  type GmailFakeMessageInput,
  type GmailFakeUser,
} from './gmail-store';
import { GoogleTokens } from './google-tokens';
import { formatMessage, minimal } from './message-formats';

export type { GmailFakeMessage, GmailFakeMessageInput } from './gmail-store';

export const SCOPE = {
  full: 'https://mail.google.com/',
  modify: 'https://www.googleapis.com/auth/gmail.modify',
  readonly: 'https://www.googleapis.com/auth/gmail.readonly',
  settingsBasic: 'https://www.googleapis.com/auth/gmail.settings.basic',
};
const READ = [SCOPE.full, SCOPE.modify, SCOPE.readonly];
const WRITE = [SCOPE.full, SCOPE.modify];
const FILTERS_READ = [SCOPE.settingsBasic, SCOPE.full, SCOPE.modify, SCOPE.readonly];
/** filters.create and filters.delete take gmail.settings.basic and nothing else. */
const FILTERS_WRITE = [SCOPE.settingsBasic];

/** What `fakeConnection` configures as the connection's mailboxes. */
export const GMAIL_FAKE_MAILBOXES = ['alice@example.com', 'bob@example.com'];

export interface GmailFakeOptions {
  /** Replaces the default users (alice, bob, carol @example.com). */
  users?: string[];
  /** Replaces the default messages (the conformance phish in alice's and bob's inboxes, and more). */
  messages?: GmailFakeMessageInput[];
  /** The service account the fake trusts; its public key verifies assertions. */
  clientEmail?: string;
  /** PEM public key (or KeyObject) of that account; the default fake's own generated pair otherwise. */
  publicKey?: string | KeyObject;
  /** Scopes the "Workspace admin" granted the account for domain-wide delegation. */
  authorizedScopes?: string[];
  /** Token lifetime; Google's is 3599 s. */
  tokenTtlSeconds?: number;
  /** How `rateLimitFault` answers: 429, or 403 with reason userRateLimitExceeded. */
  rateLimitStatus?: 429 | 403;
  now?: () => number;
}

type UserHandler = (req: FakeRequest, user: GmailFakeUser) => FakeResponse;

/**
 * A local Google OAuth token endpoint and Gmail API: JWT-bearer assertions verified against the
 * service account's public key, one token per impersonated user, messages.list with a Gmail query
 * subset, messages.get formats, trash/untrash/modify, settings filters, Google's error shape, and
 * rate limiting as 429 (or 403) with Retry-After. See README.md.
 */
export class GmailFake extends RecordingFakeServer {
  readonly store: GmailStore;
  private readonly tokens: GoogleTokens;
  private readonly rateLimitStatus: 429 | 403;
  private readonly now: () => number;
  private readonly keyJson: ((tokenUrl: string) => Record<string, unknown>) | undefined;

  constructor(options: GmailFakeOptions = {}) {
    super();
    this.rateLimitStatus = options.rateLimitStatus ?? 429;
    this.now = options.now ?? Date.now;
    this.store = new GmailStore(options.users ?? DEFAULT_USERS, options.messages ?? DEFAULT_MESSAGES);
    const key = options.publicKey ?? defaultFakeKeyPair().publicKey;
    this.keyJson = options.publicKey
      ? undefined
      : (tokenUrl) => JSON.parse(fakeServiceAccountKey(tokenUrl)) as Record<string, unknown>;
    this.tokens = new GoogleTokens({
      clientEmail: options.clientEmail ?? GMAIL_FAKE_CLIENT_EMAIL,
      publicKey: typeof key === 'string' ? createPublicKey(key) : key,
      authorizedScopes: new Set(options.authorizedScopes ?? [...READ, SCOPE.settingsBasic]),
      ttlSeconds: options.tokenTtlSeconds ?? 3599,
      now: this.now,
      isUser: (email) => !!this.store.user(email),
    });

    this.route('POST', '/token', (req) => this.tokens.issue(req, `${this.url}/token`));
    const u = '/gmail/v1/users/:userId';
    this.route(
      'GET',
      `${u}/profile`,
      this.userRoute(READ, (_req, user) => this.profile(user)),
    );
    this.route(
      'GET',
      `${u}/messages`,
      this.userRoute(READ, (req, user) => this.listMessages(req, user)),
    );
    this.route(
      'GET',
      `${u}/messages/:id`,
      this.userRoute(READ, (req, user) => this.withMessage(req, user, (m) => formatMessage(req, m))),
    );
    this.route(
      'POST',
      `${u}/messages/:id/trash`,
      this.userRoute(WRITE, (req, user) => this.withMessage(req, user, (m) => this.trash(user, m))),
    );
    this.route(
      'POST',
      `${u}/messages/:id/untrash`,
      this.userRoute(WRITE, (req, user) => this.withMessage(req, user, (m) => this.untrash(user, m))),
    );
    this.route(
      'POST',
      `${u}/messages/:id/modify`,
      this.userRoute(WRITE, (req, user) => this.withMessage(req, user, (m) => this.modify(req, user, m))),
    );
    this.route(
      'GET',
      `${u}/settings/filters`,
      this.userRoute(FILTERS_READ, (_req, user) => this.listFilters(user)),
    );
    this.route(
      'POST',
      `${u}/settings/filters`,
      this.userRoute(FILTERS_WRITE, (req, user) => this.createFilter(req, user)),
    );
    this.route(
      'GET',
      `${u}/settings/filters/:id`,
      this.userRoute(FILTERS_READ, (req, user) => {
        const filter = user.filters.get(req.params.id);
        return filter ? { status: 200, body: filter } : NOT_FOUND();
      }),
    );
    this.route(
      'DELETE',
      `${u}/settings/filters/:id`,
      this.userRoute(FILTERS_WRITE, (req, user) =>
        user.filters.delete(req.params.id) ? { status: 204 } : NOT_FOUND(),
      ),
    );
    // Another process (the app, against `npm run fake`) cannot call fakeConnection for this key pair.
    this.route('GET', '/__service-account-key', () =>
      this.keyJson
        ? { status: 200, body: this.keyJson(`${this.url}/token`) }
        : googleError(404, 'this fake was given only a public key', 'notFound'),
    );
    this.route('GET', '/__mailboxes', () => ({
      status: 200,
      body: this.store.all().map((user) => ({
        email: user.email,
        messages: this.store.messages(user),
        filters: [...user.filters.values()],
      })),
    }));
    this.route('POST', '/__messages', (req) => {
      const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as GmailFakeMessageInput[];
      if (
        inputs.some(
          (m) =>
            !m ||
            typeof m.mailbox !== 'string' ||
            typeof m.from !== 'string' ||
            typeof m.subject !== 'string',
        )
      )
        return googleError(400, 'each message needs mailbox, from and subject');
      return { status: 201, body: { messages: inputs.map((m) => this.store.deliver(m)) } };
    });
  }

  /** Delivers a message (the user's filters apply); the HTTP twin is `POST /__messages`. */
  deliver(input: GmailFakeMessageInput): GmailFakeMessage {
    return this.store.deliver(input);
  }

  /** Gmail's "slow down": 429 rateLimitExceeded, or 403 userRateLimitExceeded; both with Retry-After. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    const headers = { 'Retry-After': String(retryAfterSeconds) };
    if (this.rateLimitStatus === 403) {
      const at = new Date(this.now() + retryAfterSeconds * 1000).toISOString();
      return {
        status: 403,
        headers,
        body: googleErrorBody(403, `User-rate limit exceeded.  Retry after ${at}`, 'userRateLimitExceeded', {
          domain: 'usageLimits',
        }),
      };
    }
    return {
      status: 429,
      headers,
      body: googleErrorBody(429, 'Rate Limit Exceeded', 'rateLimitExceeded', { domain: 'usageLimits' }),
    };
  }

  override expireTokens(): void {
    this.tokens.expireAll();
  }

  /** Token, scope and impersonation checks every Gmail route shares; `me` is the token's user. */
  private userRoute(scopes: string[], handler: UserHandler): FakeHandler {
    return (req) => {
      const token = this.tokens.lookup(req);
      if (!token) return UNAUTHENTICATED();
      if (!scopes.some((s) => token.scopes.has(s))) return INSUFFICIENT_SCOPES();
      // A service account's own token has no mailbox behind it.
      if (!token.subject)
        return googleError(400, 'Precondition check failed.', 'failedPrecondition', {
          status: 'FAILED_PRECONDITION',
        });
      const userId = req.params.userId.toLowerCase();
      if (userId !== 'me' && userId !== token.subject) {
        return googleError(403, `Delegation denied for ${token.subject}`, 'forbidden');
      }
      const user = this.store.user(token.subject);
      if (!user)
        return googleError(400, 'Invalid user id specified in request/Delegation denied', 'invalidArgument');
      return handler(req, user);
    };
  }

  private withMessage(
    req: FakeRequest,
    user: GmailFakeUser,
    handler: (m: GmailFakeMessage) => FakeResponse,
  ): FakeResponse {
    if (!/^[0-9a-f]+$/i.test(req.params.id)) return googleError(400, 'Invalid id value', 'invalidArgument');
    const message = user.messages.get(req.params.id);
    return message ? handler(message) : NOT_FOUND();
  }

  private profile(user: GmailFakeUser): FakeResponse {
    return {
      status: 200,
      body: {
        emailAddress: user.email,
        messagesTotal: user.messages.size,
        threadsTotal: user.messages.size,
        historyId: this.store.nextHistoryId(),
      },
    };
  }

  private listMessages(req: FakeRequest, user: GmailFakeUser): FakeResponse {
    const max = intParam(req, 'maxResults', 100);
    if (max === undefined || max < 1 || max > 500)
      return googleError(400, 'Invalid maxResults', 'invalidArgument');
    const offset = req.query.get('pageToken') ? Number(req.query.get('pageToken')) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      return googleError(400, 'Invalid pageToken', 'invalidArgument');
    const includeSpamTrash = req.query.get('includeSpamTrash') === 'true';
    const labelIds = req.query.getAll('labelIds');
    const query = parseGmailQuery(req.query.get('q') ?? '');
    const matches = this.store
      .messages(user)
      .filter((m) => includeSpamTrash || !m.labelIds.some((l) => l === 'SPAM' || l === 'TRASH'))
      .filter((m) => labelIds.every((l) => m.labelIds.includes(l)))
      .filter(query);
    const page = matches.slice(offset, offset + max);
    const body: Record<string, unknown> = { resultSizeEstimate: page.length };
    // Gmail leaves `messages` out altogether when nothing matches.
    if (page.length) body.messages = page.map((m) => ({ id: m.id, threadId: m.threadId }));
    if (offset + max < matches.length) body.nextPageToken = String(offset + max).padStart(11, '0');
    return { status: 200, body };
  }

  private trash(user: GmailFakeUser, message: GmailFakeMessage): FakeResponse {
    if (this.store.trash(message)) this.recordEffect('email.quarantine_message', effectTarget(user, message));
    return { status: 200, body: minimal(message) };
  }

  private untrash(user: GmailFakeUser, message: GmailFakeMessage): FakeResponse {
    if (this.store.untrash(message)) this.recordEffect('email.restore_message', effectTarget(user, message));
    return { status: 200, body: minimal(message) };
  }

  private modify(req: FakeRequest, user: GmailFakeUser, message: GmailFakeMessage): FakeResponse {
    const body = (req.body ?? {}) as { addLabelIds?: unknown; removeLabelIds?: unknown };
    const add = labelList(body.addLabelIds);
    const remove = labelList(body.removeLabelIds);
    if (!add || !remove)
      return googleError(
        400,
        'addLabelIds and removeLabelIds must be arrays of label ids',
        'invalidArgument',
      );
    const unknown = [...add, ...remove].find((l) => !SYSTEM_LABELS.has(l) && !l.startsWith('Label_'));
    if (unknown) return googleError(400, `Invalid label: ${unknown}`, 'invalidArgument');
    const change = this.store.relabel(message, add, remove);
    if (change.trashed) this.recordEffect('email.quarantine_message', effectTarget(user, message));
    if (change.untrashed) this.recordEffect('email.restore_message', effectTarget(user, message));
    return { status: 200, body: minimal(message) };
  }

  private listFilters(user: GmailFakeUser): FakeResponse {
    const filters = [...user.filters.values()];
    // Like `messages`, the `filter` key is left out when there are none.
    return { status: 200, body: filters.length ? { filter: filters } : {} };
  }

  private createFilter(req: FakeRequest, user: GmailFakeUser): FakeResponse {
    const body = (req.body ?? {}) as { criteria?: Record<string, unknown>; action?: Record<string, unknown> };
    const criteria = Object.fromEntries(
      Object.entries(body.criteria ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ''),
    );
    const action = body.action ?? {};
    if (!Object.keys(criteria).length)
      return googleError(400, "Filter doesn't have any criteria", 'invalidArgument');
    const add = labelList(action.addLabelIds);
    const remove = labelList(action.removeLabelIds);
    if (!add || !remove)
      return googleError(
        400,
        'addLabelIds and removeLabelIds must be arrays of label ids',
        'invalidArgument',
      );
    if (!add.length && !remove.length && typeof action.forward !== 'string') {
      return googleError(400, "Filter doesn't have any actions", 'invalidArgument');
    }
    const normalised = {
      criteria,
      action: {
        ...(add.length ? { addLabelIds: add } : {}),
        ...(remove.length ? { removeLabelIds: remove } : {}),
        ...(typeof action.forward === 'string' ? { forward: action.forward } : {}),
      },
    };
    const same = [...user.filters.values()].some(
      (f) => JSON.stringify({ criteria: f.criteria, action: f.action }) === JSON.stringify(normalised),
    );
    if (same)
      return googleError(400, 'Filter already exists', 'failedPrecondition', {
        status: 'FAILED_PRECONDITION',
      });
    const before = this.store.blockedSenders();
    const filter = this.store.addFilter(user, normalised);
    // The effect is vendor-neutral: a sender goes from blocked nowhere to blocked (see README).
    for (const sender of this.store.blockedSenders()) {
      if (!before.has(sender)) this.recordEffect('email.block_sender', sender);
    }
    return { status: 200, body: filter };
  }

  protected override errorBody(status: number, message: string): unknown {
    return googleErrorBody(status, message);
  }
}

/** Starts nothing: call `start()` on the result. */
export function createGmailFake(options: GmailFakeOptions = {}): GmailFake {
  return new GmailFake(options);
}

function effectTarget(user: GmailFakeUser, message: GmailFakeMessage): string {
  return `${user.email} ${header(message, 'Message-ID')}`;
}

function labelList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

function intParam(req: FakeRequest, name: string, fallback: number): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}
