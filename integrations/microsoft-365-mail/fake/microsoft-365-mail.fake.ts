import { randomUUID } from 'node:crypto';
import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import { EntraTokens } from './entra-tokens';
import { defaultGraphCode, graphError, graphErrorBody } from './graph-responses';
import {
  DEFAULT_MAILBOXES,
  DEFAULT_MESSAGES,
  GraphMailStore,
  type GraphFakeMailbox,
  type GraphFakeMessage,
  type GraphFakeMessageInput,
} from './mail-store';
import { intParam, project, selectFields } from './message-view';
import { ODataFilterError, parseODataFilter } from './odata-filter';

export type { GraphFakeMessage, GraphFakeMessageInput } from './mail-store';

export interface GraphMailFakeOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Replaces the default mailboxes (alice, bob, carol @example.com). */
  mailboxes?: string[];
  /** Replaces the default messages (the conformance phish in alice's and bob's inboxes, and a few more). */
  messages?: GraphFakeMessageInput[];
  /** The folder whose arrivals count as `email.quarantine_message` effects; `deleteditems` by default. */
  quarantineFolder?: string;
  /** Token lifetime; Entra's is about an hour. */
  tokenTtlSeconds?: number;
  /** Concurrent requests per mailbox before Graph's MailboxConcurrency 429 (4, as Exchange Online). */
  mailboxConcurrency?: number;
  /** Hold every mailbox request this long, so concurrency can be observed. */
  latencyMs?: number;
  now?: () => number;
}

export const GRAPH_FAKE_TENANT_ID = '8c1b5d0e-4f3a-4b7e-9d2c-0f6a1e2b3c4d';
export const GRAPH_FAKE_CLIENT_ID = '3f0e9a2b-1c4d-4e5f-8a6b-7c8d9e0f1a2b';
export const GRAPH_FAKE_CLIENT_SECRET = 'fake-graph-client-secret';
/** What `fakeConnection` configures as the connection's mailboxes. */
export const GRAPH_FAKE_MAILBOXES = ['alice@example.com', 'bob@example.com'];

/**
 * A local Microsoft Graph (mail) with its Entra token endpoint: client-credentials tokens, message
 * listing with `$filter`/`$select`/`$top`/`$skip` and `@odata.nextLink`, moves that re-key messages,
 * mail folders by id or well-known name, inbox rules, Graph's error shape, `Retry-After` on 429 and
 * the 4-concurrent-requests-per-mailbox limit. See README.md.
 */
export class GraphMailFake extends RecordingFakeServer {
  readonly store: GraphMailStore;
  private readonly entra: EntraTokens;
  private readonly quarantineFolder: string;
  private readonly mailboxConcurrency: number;
  private readonly latencyMs: number;
  private readonly inFlight = new Map<string, number>();

  constructor(options: GraphMailFakeOptions = {}) {
    super();
    this.entra = new EntraTokens({
      tenantId: options.tenantId ?? GRAPH_FAKE_TENANT_ID,
      clientId: options.clientId ?? GRAPH_FAKE_CLIENT_ID,
      clientSecret: options.clientSecret ?? GRAPH_FAKE_CLIENT_SECRET,
      ttlSeconds: options.tokenTtlSeconds ?? 3599,
      now: options.now ?? Date.now,
    });
    this.quarantineFolder = (options.quarantineFolder ?? 'deleteditems').toLowerCase();
    this.mailboxConcurrency = options.mailboxConcurrency ?? 4;
    this.latencyMs = options.latencyMs ?? 0;
    this.store = new GraphMailStore(
      options.mailboxes ?? DEFAULT_MAILBOXES,
      options.messages ?? DEFAULT_MESSAGES,
    );

    this.route('POST', '/:tenant/oauth2/v2.0/token', (req) => this.entra.issue(req));
    const users = '/v1.0/users/:user';
    this.route(
      'GET',
      `${users}/messages`,
      this.mailboxRoute((req, mb) => this.listMessages(req, mb)),
    );
    this.route(
      'GET',
      `${users}/messages/:id`,
      this.mailboxRoute((req, mb) => this.getMessage(req, mb)),
    );
    this.route(
      'POST',
      `${users}/messages/:id/move`,
      this.mailboxRoute((req, mb) => this.moveMessage(req, mb)),
    );
    this.route(
      'GET',
      `${users}/mailFolders/:folder`,
      this.mailboxRoute((req, mb) => this.getFolder(req, mb)),
    );
    const rules = `${users}/mailFolders/:folder/messageRules`;
    this.route(
      'GET',
      rules,
      this.mailboxRoute((req, mb) => this.inboxOnly(req, mb, () => this.listRules(mb))),
    );
    this.route(
      'POST',
      rules,
      this.mailboxRoute((req, mb) => this.inboxOnly(req, mb, () => this.createRule(req, mb))),
    );
    this.route(
      'GET',
      `${rules}/:id`,
      this.mailboxRoute((req, mb) =>
        this.inboxOnly(req, mb, () => {
          const rule = mb.rules.get(req.params.id);
          return rule
            ? { status: 200, body: rule }
            : graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.', req);
        }),
      ),
    );
    this.route(
      'DELETE',
      `${rules}/:id`,
      this.mailboxRoute((req, mb) =>
        this.inboxOnly(req, mb, () =>
          mb.rules.delete(req.params.id)
            ? { status: 204 }
            : graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.', req),
        ),
      ),
    );
    this.route('GET', '/__mailboxes', () => ({ status: 200, body: this.dump() }));
    this.route('POST', '/__messages', (req) => {
      const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as GraphFakeMessageInput[];
      if (
        inputs.some(
          (m) =>
            !m ||
            typeof m.mailbox !== 'string' ||
            typeof m.from !== 'string' ||
            typeof m.subject !== 'string',
        )
      )
        return graphError(400, 'BadRequest', 'each message needs mailbox, from and subject', req);
      return { status: 201, body: { value: inputs.map((m) => this.store.deliver(m)) } };
    });
  }

  /** Delivers a message (inbox rules apply); the HTTP twin is `POST /__messages`. */
  deliver(input: GraphFakeMessageInput): GraphFakeMessage {
    return this.store.deliver(input);
  }

  /** Graph's throttling answer: 429, `Retry-After` in seconds, code TooManyRequests. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      body: graphErrorBody(
        'TooManyRequests',
        'Too many requests. Retry after the time in the Retry-After header.',
      ),
    };
  }

  override expireTokens(): void {
    this.entra.expireAll();
  }

  /** Auth, the mailbox lookup and the per-mailbox concurrency limit every mailbox route shares. */
  private mailboxRoute(handler: (req: FakeRequest, mailbox: GraphFakeMailbox) => FakeResponse): FakeHandler {
    return async (req) => {
      const refused = this.entra.refusal(req);
      if (refused) return refused;
      const mailbox = this.store.mailbox(req.params.user);
      if (!mailbox)
        return graphError(
          404,
          'ErrorInvalidUser',
          `The requested user '${req.params.user}' is invalid.`,
          req,
        );
      const key = mailbox.upn.toLowerCase();
      const running = (this.inFlight.get(key) ?? 0) + 1;
      this.inFlight.set(key, running);
      try {
        if (running > this.mailboxConcurrency) {
          return {
            ...graphError(
              429,
              'ApplicationThrottled',
              'Application is over its MailboxConcurrency limit.',
              req,
            ),
            headers: { 'Retry-After': '1' },
          };
        }
        if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
        return handler(req, mailbox);
      } finally {
        this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
      }
    };
  }

  private listMessages(req: FakeRequest, mailbox: GraphFakeMailbox): FakeResponse {
    const top = intParam(req, '$top', 10);
    const skip = intParam(req, '$skip', 0);
    if (top === undefined || top < 1 || top > 1000)
      return graphError(400, 'ErrorInvalidArgument', "Invalid value for '$top' query parameter.", req);
    if (skip === undefined)
      return graphError(400, 'ErrorInvalidArgument', "Invalid value for '$skip' query parameter.", req);
    if (req.query.has('$search') && req.query.has('$filter')) {
      return graphError(
        400,
        'ErrorInvalidUrlQuery',
        'The query parameter $search is not supported with $filter.',
        req,
      );
    }
    let matches = this.store.messages(mailbox);
    const filter = req.query.get('$filter');
    if (filter) {
      try {
        const predicate = parseODataFilter(filter);
        matches = matches.filter(predicate);
      } catch (err) {
        if (err instanceof ODataFilterError)
          return graphError(400, 'BadRequest', `Invalid filter clause: ${err.message}`, req);
        throw err;
      }
    }
    const select = selectFields(req);
    if (typeof select === 'string') return graphError(400, 'BadRequest', select, req);
    const page = matches.slice(skip, skip + top).map((m) => project(m, select));
    const body: Record<string, unknown> = {
      '@odata.context': `${this.url}/v1.0/$metadata#users('${encodeURIComponent(mailbox.upn)}')/messages`,
      value: page,
    };
    if (skip + top < matches.length) {
      const next = new URLSearchParams(req.query);
      next.set('$skip', String(skip + top));
      next.set('$top', String(top));
      body['@odata.nextLink'] = `${this.url}${req.path}?${next.toString()}`;
    }
    return { status: 200, body };
  }

  private getMessage(req: FakeRequest, mailbox: GraphFakeMailbox): FakeResponse {
    const message = mailbox.messages.get(req.params.id);
    if (!message)
      return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.', req);
    const select = selectFields(req);
    if (typeof select === 'string') return graphError(400, 'BadRequest', select, req);
    return { status: 200, body: project(message, select) };
  }

  private moveMessage(req: FakeRequest, mailbox: GraphFakeMailbox): FakeResponse {
    const message = mailbox.messages.get(req.params.id);
    if (!message)
      return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.', req);
    const destinationId = (req.body as { destinationId?: unknown } | undefined)?.destinationId;
    if (typeof destinationId !== 'string' || !destinationId) {
      return graphError(400, 'ErrorInvalidRequest', 'The destinationId property is required.', req);
    }
    const folder = this.store.folder(mailbox, destinationId);
    if (!folder)
      return graphError(
        404,
        'ErrorItemNotFound',
        'The specified folder could not be found in the store.',
        req,
      );
    const result = this.store.move(mailbox, message, folder);
    if (result.moved) {
      const target = `${mailbox.upn} ${message.internetMessageId}`;
      if (folder.wellKnownName === this.quarantineFolder || folder.id === this.quarantineFolder) {
        this.recordEffect('email.quarantine_message', target);
      } else if (folder.wellKnownName === 'inbox') {
        this.recordEffect('email.restore_message', target);
      }
    }
    return { status: 201, body: result.message };
  }

  private getFolder(req: FakeRequest, mailbox: GraphFakeMailbox): FakeResponse {
    const folder = this.store.folder(mailbox, req.params.folder);
    if (folder) return { status: 200, body: this.store.folderCounts(mailbox, folder) };
    // A well-known-looking name Graph does not know is malformed; anything else is just absent.
    if (/^[a-z]+$/i.test(req.params.folder))
      return graphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.', req);
    return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.', req);
  }

  private inboxOnly(req: FakeRequest, mailbox: GraphFakeMailbox, handler: () => FakeResponse): FakeResponse {
    const folder = this.store.folder(mailbox, req.params.folder);
    if (folder?.wellKnownName !== 'inbox') {
      return graphError(
        400,
        'ErrorInvalidRequest',
        'Message rules are only available on the Inbox folder.',
        req,
      );
    }
    return handler();
  }

  private listRules(mailbox: GraphFakeMailbox): FakeResponse {
    return {
      status: 200,
      body: { value: [...mailbox.rules.values()].sort((a, b) => a.sequence - b.sequence) },
    };
  }

  private createRule(req: FakeRequest, mailbox: GraphFakeMailbox): FakeResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const conditions = (body.conditions ?? {}) as Record<string, unknown>;
    const actions = (body.actions ?? {}) as Record<string, unknown>;
    if (typeof body.displayName !== 'string' || !body.displayName)
      return graphError(400, 'ErrorInvalidRequest', 'displayName is required.', req);
    if (!Number.isInteger(body.sequence) || (body.sequence as number) < 1)
      return graphError(400, 'ErrorInvalidRequest', 'sequence must be an integer of 1 or more.', req);
    if (!Object.keys(actions).length)
      return graphError(400, 'ErrorInvalidRequest', 'A rule needs at least one action.', req);
    const senderContains = conditions.senderContains;
    if (
      senderContains !== undefined &&
      (!Array.isArray(senderContains) || senderContains.some((s) => typeof s !== 'string'))
    ) {
      return graphError(
        400,
        'ErrorInvalidRequest',
        'conditions.senderContains must be an array of strings.',
        req,
      );
    }
    const before = this.store.blockedSenders();
    const rule = this.store.addRule(mailbox, {
      displayName: body.displayName,
      sequence: body.sequence as number,
      isEnabled: body.isEnabled !== false,
      conditions,
      actions,
    });
    // The effect is vendor-neutral: a sender goes from blocked nowhere to blocked (see README).
    for (const sender of this.store.blockedSenders()) {
      if (!before.has(sender)) this.recordEffect('email.block_sender', sender);
    }
    return { status: 201, body: rule };
  }

  private dump(): unknown {
    return this.store.all().map((mb) => ({
      upn: mb.upn,
      folders: [...mb.folders.values()].map((f) => this.store.folderCounts(mb, f)),
      messages: this.store.messages(mb),
      rules: [...mb.rules.values()],
    }));
  }

  protected override errorBody(status: number, message: string): unknown {
    return graphErrorBody(defaultGraphCode(status), message);
  }

  /** Graph's request-id headers on every answer; a 429 without `Retry-After` gets one. */
  protected override responseHeaders(res: FakeResponse, req: FakeRequest): Record<string, string> {
    const headers: Record<string, string> = {
      'request-id': randomUUID(),
      'client-request-id': req.headers['client-request-id'] ?? randomUUID(),
    };
    const given = Object.keys(res.headers ?? {}).some((h) => h.toLowerCase() === 'retry-after');
    if (res.status === 429 && !given) headers['Retry-After'] = '1';
    return headers;
  }
}

/** Starts nothing: call `start()` on the result. */
export function createGraphMailFake(options: GraphMailFakeOptions = {}): GraphMailFake {
  return new GraphMailFake(options);
}
