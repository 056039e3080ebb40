import { randomBytes } from 'node:crypto';
import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import { OktaQueryError, parseOktaQuery, type QueryRecord } from './okta-query';
import { DEFAULT_USERS, OktaUserStore, type OktaFakeUser, type OktaFakeUserInput } from './users';

export type { OktaFakeUser, OktaFakeUserInput } from './users';

export interface OktaFakeOptions {
  /** The API token the fake accepts (`Authorization: SSWS <token>`). */
  apiToken?: string;
  /** Replaces the default users (see README.md). */
  users?: OktaFakeUserInput[];
  /** Requests per minute reported in X-Rate-Limit-Limit; the fake never throttles on its own. */
  rateLimit?: number;
  /** Clock for timestamps, the Date header and rate-limit windows. */
  now?: () => number;
}

export const OKTA_FAKE_API_TOKEN = '00cordonFakeOktaApiToken0000000000000000000';

/** Okta's generic error codes for statuses the fake answers without a more specific one. */
const CODES: Record<number, [string, string]> = {
  400: ['E0000001', 'Api validation failed'],
  401: ['E0000011', 'Invalid token provided'],
  403: ['E0000006', 'You do not have permission to perform the requested action'],
  404: ['E0000007', 'Not found: Resource not found'],
  405: ['E0000022', 'The endpoint does not support the provided HTTP method'],
  429: ['E0000047', 'API call exceeded rate limit due to too many requests.'],
};

/**
 * A local Okta org speaking the management API the adapter uses: API-token auth, users with
 * search and filter, lifecycle suspend / unsuspend / reset_factors, sessions, factors, Okta's
 * error body and X-Rate-Limit-* headers. See README.md for the routes and the fake-only controls.
 */
export class OktaFake extends RecordingFakeServer {
  readonly users: OktaUserStore;
  private readonly apiToken: string;
  private readonly rateLimit: number;
  private readonly now: () => number;
  private window = { start: 0, count: 0 };

  constructor(options: OktaFakeOptions = {}) {
    super();
    this.apiToken = options.apiToken ?? OKTA_FAKE_API_TOKEN;
    this.rateLimit = options.rateLimit ?? 600;
    this.now = options.now ?? Date.now;
    this.users = new OktaUserStore(options.users ?? DEFAULT_USERS, this.now);

    this.route(
      'GET',
      '/api/v1/users',
      this.authed((req) => this.listUsers(req)),
    );
    this.route(
      'GET',
      '/api/v1/users/:id',
      this.withUser((user) => ok(this.userView(user))),
    );
    this.route(
      'POST',
      '/api/v1/users/:id/lifecycle/suspend',
      this.withUser((user) => {
        if (!this.users.transition(user, 'ACTIVE', 'SUSPENDED')) {
          return refused('Cannot suspend a user that is not active', user);
        }
        this.recordEffect('identity.suspend_user', user.record.id);
        return ok({});
      }),
    );
    this.route(
      'POST',
      '/api/v1/users/:id/lifecycle/unsuspend',
      this.withUser((user) => {
        if (!this.users.transition(user, 'SUSPENDED', 'ACTIVE')) {
          return refused('Cannot unsuspend a user that is not suspended', user);
        }
        this.recordEffect('identity.unsuspend_user', user.record.id);
        return ok({});
      }),
    );
    this.route(
      'POST',
      '/api/v1/users/:id/lifecycle/reset_factors',
      this.withUser((user) => {
        if (this.users.resetFactors(user)) this.recordEffect('identity.reset_mfa', user.record.id);
        return ok({});
      }),
    );
    this.route(
      'DELETE',
      '/api/v1/users/:id/sessions',
      this.withUser((user, req) => {
        if (this.users.clearSessions(user, req.query.get('oauthTokens') === 'true')) {
          this.recordEffect('identity.revoke_sessions', user.record.id);
        }
        return { status: 204 };
      }),
    );
    this.route(
      'GET',
      '/api/v1/users/:id/factors',
      this.withUser((user) => ok(user.factors.map((f) => this.factorView(user, f)))),
    );
    this.route(
      'DELETE',
      '/api/v1/users/:id/factors/:factorId',
      this.withUser((user, req) => {
        if (!this.users.deleteFactor(user, req.params.factorId)) {
          return error(404, 'E0000007', `Not found: Resource not found: ${req.params.factorId} (UserFactor)`);
        }
        this.recordEffect('identity.reset_mfa', user.record.id);
        return { status: 204 };
      }),
    );

    this.route('GET', '/__users', () => ({
      status: 200,
      body: this.users.all().map((u) => ({
        ...this.userView(u),
        factors: u.factors,
        sessions: u.sessions,
        oauthTokens: u.oauthTokens,
      })),
    }));
    this.route('POST', '/__users', (req) => {
      const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as OktaFakeUserInput[];
      try {
        return { status: 201, body: inputs.map((u) => this.userView(this.users.add(u))) };
      } catch (err) {
        return error(400, 'E0000001', `Api validation failed: ${(err as Error).message}`);
      }
    });
  }

  /** Adds a user at run time (the HTTP twin is `POST /__users`). */
  addUser(input: OktaFakeUserInput): OktaFakeUser {
    return this.users.add(input);
  }

  /** The next `times` matching calls get Okta's 429 (see `rateLimitFault`). */
  rateLimitNext(
    options: { times?: number; retryAfterSeconds?: number; match?: FaultSpec['match'] } = {},
  ): void {
    const fault = { ...this.rateLimitFault(options.retryAfterSeconds ?? 1), match: options.match };
    this.injectFaults(Array.from({ length: options.times ?? 1 }, () => ({ ...fault })));
  }

  /** Okta's 429: E0000047, and the end of the window as epoch seconds in X-Rate-Limit-Reset. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: {
        'X-Rate-Limit-Limit': String(this.rateLimit),
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': String(Math.ceil(this.now() / 1000) + retryAfterSeconds),
      },
      body: oktaError('E0000047', CODES[429][1]),
    };
  }

  protected override errorBody(status: number, message: string): unknown {
    const [code] = CODES[status] ?? ['E0000009', ''];
    return oktaError(code, status >= 500 ? `Internal Server Error (${message})` : message);
  }

  /** Date (the fake's clock), X-Okta-Request-Id and X-Rate-Limit-* on every response. */
  protected override responseHeaders(res: FakeResponse): Record<string, string> {
    const now = this.now();
    const start = Math.floor(now / 60_000) * 60_000;
    if (this.window.start !== start) this.window = { start, count: 0 };
    this.window.count++;
    return {
      Date: new Date(now).toUTCString(),
      'X-Okta-Request-Id': randomBytes(12).toString('base64url'),
      'X-Rate-Limit-Limit': String(this.rateLimit),
      'X-Rate-Limit-Remaining': String(
        res.status === 429 ? 0 : Math.max(0, this.rateLimit - this.window.count),
      ),
      'X-Rate-Limit-Reset': String((start + 60_000) / 1000),
    };
  }

  private authed(handler: FakeHandler): FakeHandler {
    return (req) => {
      const token = /^SSWS (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (token !== this.apiToken) return error(401, 'E0000011', CODES[401][1]);
      return handler(req);
    };
  }

  private withUser(handler: (user: OktaFakeUser, req: FakeRequest) => FakeResponse): FakeHandler {
    return this.authed((req) => {
      const user = this.users.get(req.params.id);
      if (!user) return error(404, 'E0000007', `Not found: Resource not found: ${req.params.id} (User)`);
      return handler(user, req);
    });
  }

  private listUsers(req: FakeRequest): FakeResponse {
    const limitRaw = req.query.get('limit');
    const limit = limitRaw === null ? 200 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1) {
      return error(400, 'E0000001', 'Api validation failed: limit', ['limit must be a positive integer']);
    }
    const search = req.query.get('search');
    const filter = req.query.get('filter');
    const q = req.query.get('q');
    let users = this.users.all();
    try {
      if (search !== null) {
        const predicate = parseOktaQuery(search, 'search');
        users = users.filter((u) => predicate(attributes(u)));
      } else if (filter !== null) {
        const predicate = parseOktaQuery(filter, 'filter');
        users = users.filter((u) => predicate(attributes(u)));
      } else if (q !== null) {
        // `q`: starts-with on first name, last name or e-mail; deprovisioned users left out.
        const prefix = q.toLowerCase();
        users = users.filter(
          (u) =>
            u.record.status !== 'DEPROVISIONED' &&
            [u.record.profile.firstName, u.record.profile.lastName, u.record.profile.email].some((v) =>
              v?.toLowerCase().startsWith(prefix),
            ),
        );
      } else {
        users = users.filter((u) => u.record.status !== 'DEPROVISIONED');
      }
    } catch (err) {
      if (err instanceof OktaQueryError) {
        return error(400, 'E0000031', 'Invalid search criteria.', [err.message]);
      }
      throw err;
    }
    const after = req.query.get('after');
    const start = after ? users.findIndex((u) => u.record.id === after) + 1 : 0;
    const page = users.slice(start, start + Math.min(limit, 200));
    const self = `${this.url}${req.path}?${req.query.toString()}`;
    const links = [`<${self}>; rel="self"`];
    const last = page[page.length - 1];
    if (last && start + page.length < users.length) {
      const next = new URLSearchParams(req.query);
      next.set('after', last.record.id);
      links.push(`<${this.url}${req.path}?${next.toString()}>; rel="next"`);
    }
    return { status: 200, headers: { Link: links.join(', ') }, body: page.map((u) => this.userView(u)) };
  }

  private userView(user: OktaFakeUser): Record<string, unknown> {
    const base = `${this.url}/api/v1/users/${user.record.id}`;
    const links: Record<string, unknown> = { self: { href: base } };
    const lifecycle = (name: string) => ({ href: `${base}/lifecycle/${name}`, method: 'POST' });
    if (user.record.status === 'ACTIVE') links.suspend = lifecycle('suspend');
    if (user.record.status === 'SUSPENDED') links.unsuspend = lifecycle('unsuspend');
    if (user.factors.length) links.resetFactors = lifecycle('reset_factors');
    if (user.record.status !== 'DEPROVISIONED') links.deactivate = lifecycle('deactivate');
    return { ...structuredClone(user.record), _links: links };
  }

  private factorView(user: OktaFakeUser, factor: OktaFakeUser['factors'][number]): Record<string, unknown> {
    const href = `${this.url}/api/v1/users/${user.record.id}/factors/${factor.id}`;
    return { ...structuredClone(factor), _links: { self: { href, hints: { allow: ['GET', 'DELETE'] } } } };
  }
}

/** Starts nothing: call `start()` on the result. */
export function createOktaFake(options: OktaFakeOptions = {}): OktaFake {
  return new OktaFake(options);
}

export function oktaError(errorCode: string, errorSummary: string, causes: string[] = []) {
  return {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: `oae${randomBytes(16).toString('base64url').slice(0, 22)}`,
    errorCauses: causes.map((c) => ({ errorSummary: c })),
  };
}

function error(status: number, code: string, summary: string, causes: string[] = []): FakeResponse {
  return { status, body: oktaError(code, summary, causes) };
}

function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}

/** Okta's answer to a lifecycle call the user's status does not allow. */
function refused(cause: string, user: OktaFakeUser): FakeResponse {
  return error(400, 'E0000001', 'Api validation failed: status', [`${cause} (status ${user.record.status})`]);
}

/** A user's searchable attributes: top-level fields, `type.id` and `profile.*`. */
function attributes(user: OktaFakeUser): QueryRecord {
  return (attribute) => {
    const r = user.record;
    if (attribute.startsWith('profile.')) {
      const value = (r.profile as Record<string, unknown>)[attribute.slice('profile.'.length)];
      return typeof value === 'string' ? value : undefined;
    }
    if (attribute === 'type.id') return r.type.id;
    const value = (r as unknown as Record<string, unknown>)[attribute];
    return typeof value === 'string' ? value : undefined;
  };
}
