import { randomBytes, randomUUID } from 'node:crypto';
import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import {
  DEFAULT_USERS,
  EntraDirectory,
  kindOfCollection,
  type EntraFakeUser,
  type EntraFakeUserInput,
} from './directory';
import { ODataFilterError } from './odata-filter';
import { graphError, listUsers, selectUser } from './graph-responses';

export type { EntraFakeUser, EntraFakeUserInput } from './directory';

export interface EntraFakeOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Replaces the default users (see README.md). */
  users?: EntraFakeUserInput[];
  /** Access-token lifetime; Entra's is about an hour. Make it short to exercise expiry. */
  tokenTtlSeconds?: number;
  /** Clock for tokens, timestamps and the Date header. */
  now?: () => number;
}

export const ENTRA_FAKE_TENANT_ID = '7d1f2c3e-0000-4c0d-a000-00000000c0de';
export const ENTRA_FAKE_CLIENT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-000000000001';
export const ENTRA_FAKE_CLIENT_SECRET = 'fake-entra-client-secret';

/** The AADSTS error of the token endpoint: OAuth2 shape, description with trace lines. */
interface TokenRefusal {
  status: number;
  error: string;
  code: number;
  description: string;
}

/**
 * A local Entra ID: the v2.0 token endpoint (client credentials) and the Microsoft Graph v1.0 user
 * routes the adapter uses — users with `$select` and `$filter`, accountEnabled updates, session
 * revocation and authentication methods — with Graph's error body and Retry-After on 429.
 * See README.md for the routes and the fake-only controls.
 */
export class EntraFake extends RecordingFakeServer {
  readonly directory: EntraDirectory;
  private readonly tenantId: string;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly tokenTtlSeconds: number;
  private readonly now: () => number;
  private readonly tokens = new Map<string, number>();

  constructor(options: EntraFakeOptions = {}) {
    super();
    this.tenantId = options.tenantId ?? ENTRA_FAKE_TENANT_ID;
    this.clientId = options.clientId ?? ENTRA_FAKE_CLIENT_ID;
    this.clientSecret = options.clientSecret ?? ENTRA_FAKE_CLIENT_SECRET;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3599;
    this.now = options.now ?? Date.now;
    this.directory = new EntraDirectory(options.users ?? DEFAULT_USERS, this.now);

    this.route('POST', '/:tenant/oauth2/v2.0/token', (req) => this.issueToken(req));
    this.route(
      'GET',
      '/v1.0/users',
      this.authed((req) => {
        try {
          return listUsers(req, this.directory.all(), this.url);
        } catch (err) {
          if (err instanceof ODataFilterError)
            return graphError(400, 'BadRequest', `Invalid filter clause: ${err.message}`);
          throw err;
        }
      }),
    );
    this.route(
      'GET',
      '/v1.0/users/:id',
      this.withUser((user, req) => selectUser(user.record, req, this.url)),
    );
    this.route(
      'PATCH',
      '/v1.0/users/:id',
      this.withUser((user, req) => this.updateUser(user, req)),
    );
    this.route(
      'POST',
      '/v1.0/users/:id/revokeSignInSessions',
      this.withUser((user) => {
        this.directory.revokeSessions(user);
        this.recordEffect('identity.revoke_sessions', user.record.id);
        return {
          status: 200,
          body: { '@odata.context': `${this.url}/v1.0/$metadata#Edm.Boolean`, value: true },
        };
      }),
    );
    this.route(
      'GET',
      '/v1.0/users/:id/authentication/methods',
      this.withUser((user) => this.methods(user)),
    );
    this.route(
      'GET',
      '/v1.0/users/:id/authentication/:collection',
      this.withUser((user, req) => this.methods(user, req.params.collection)),
    );
    this.route(
      'DELETE',
      '/v1.0/users/:id/authentication/:collection/:methodId',
      this.withUser((user, req) => {
        const kind = kindOfCollection(req.params.collection);
        if (!kind) return unknownSegment(req.params.collection);
        const refusal = this.directory.deleteMethod(user, kind, req.params.methodId);
        if (refusal) return graphError(refusal.status, refusal.code, refusal.message);
        this.recordEffect('identity.reset_mfa', user.record.id);
        return { status: 204 };
      }),
    );

    this.route('GET', '/__users', () => ({
      status: 200,
      body: this.directory.all().map((u) => ({
        ...u.record,
        methods: u.methods.map((m) => m.body),
        defaultMethodId: u.defaultMethodId ?? null,
        privileged: u.privileged,
      })),
    }));
    this.route('POST', '/__users', (req) => {
      const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as EntraFakeUserInput[];
      try {
        return { status: 201, body: inputs.map((u) => this.directory.add(u).record) };
      } catch (err) {
        return graphError(400, 'Request_BadRequest', (err as Error).message);
      }
    });
  }

  /** Adds a user at run time (the HTTP twin is `POST /__users`). */
  addUser(input: EntraFakeUserInput): EntraFakeUser {
    return this.directory.add(input);
  }

  /** The next `times` matching calls get Graph's 429 (see `rateLimitFault`). */
  rateLimitNext(
    options: { times?: number; retryAfterSeconds?: number; match?: FaultSpec['match'] } = {},
  ): void {
    const fault = { ...this.rateLimitFault(options.retryAfterSeconds ?? 1), match: options.match };
    this.injectFaults(Array.from({ length: options.times ?? 1 }, () => ({ ...fault })));
  }

  /** Graph's throttling answer: 429, `Retry-After` in seconds, code TooManyRequests. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      body: graphError(429, 'TooManyRequests', 'Too many requests. Please retry after some time.').body,
    };
  }

  /** Every token issued so far now fails with Graph's "token is expired" 401. */
  override expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  protected override errorBody(status: number, message: string): unknown {
    const code =
      {
        400: 'BadRequest',
        401: 'InvalidAuthenticationToken',
        403: 'Authorization_RequestDenied',
        404: 'Request_ResourceNotFound',
        429: 'TooManyRequests',
        503: 'serviceNotAvailable',
      }[status] ?? 'generalException';
    return graphError(status, code, message).body;
  }

  /** request-id / client-request-id and the fake's Date on every answer; a 429 always says when to return. */
  protected override responseHeaders(res: FakeResponse, req: FakeRequest): Record<string, string> {
    const headers: Record<string, string> = {
      Date: new Date(this.now()).toUTCString(),
      'request-id': randomUUID(),
      'client-request-id': req.headers['client-request-id'] ?? randomUUID(),
    };
    const given = Object.keys(res.headers ?? {}).some((h) => h.toLowerCase() === 'retry-after');
    if (res.status === 429 && !given) headers['Retry-After'] = '1';
    return headers;
  }

  private issueToken(req: FakeRequest): FakeResponse {
    const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
    const tenant = req.params.tenant;
    const refusal = ((): TokenRefusal | undefined => {
      if (tenant.toLowerCase() !== this.tenantId.toLowerCase()) {
        return {
          status: 400,
          error: 'invalid_request',
          code: 90002,
          description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        };
      }
      if (form.grant_type !== 'client_credentials') {
        return {
          status: 400,
          error: 'unsupported_grant_type',
          code: 70003,
          description: 'The app requested an unsupported grant type.',
        };
      }
      if (form.client_id !== this.clientId) {
        return {
          status: 400,
          error: 'unauthorized_client',
          code: 700016,
          description: `Application with identifier '${form.client_id ?? ''}' was not found in the directory '${tenant}'.`,
        };
      }
      if (form.client_secret !== this.clientSecret) {
        return {
          status: 401,
          error: 'invalid_client',
          code: 7000215,
          description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.clientId}'.`,
        };
      }
      if (!/\/\.default$/.test(form.scope ?? '')) {
        return {
          status: 400,
          error: 'invalid_scope',
          code: 1002012,
          description: `The provided value for scope ${form.scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        };
      }
      return undefined;
    })();
    if (refusal) return this.tokenError(refusal);
    const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
    this.tokens.set(token, this.now() + this.tokenTtlSeconds * 1000);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: this.tokenTtlSeconds,
        ext_expires_in: this.tokenTtlSeconds,
        access_token: token,
      },
    };
  }

  private tokenError(r: TokenRefusal): FakeResponse {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date(this.now()).toISOString().replace('T', ' ');
    return {
      status: r.status,
      body: {
        error: r.error,
        error_description: [
          `AADSTS${r.code}: ${r.description}`,
          `Trace ID: ${traceId}`,
          `Correlation ID: ${correlationId}`,
          `Timestamp: ${timestamp}`,
        ].join('\r\n'),
        error_codes: [r.code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${this.url}/error?code=${r.code}`,
      },
    };
  }

  private authed(handler: FakeHandler): FakeHandler {
    return (req) => {
      const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const expiresAt = token ? this.tokens.get(token) : undefined;
      if (expiresAt === undefined || expiresAt <= this.now()) {
        const message = !token
          ? 'Access token is empty.'
          : expiresAt === undefined
            ? 'Access token validation failure. Invalid audience.'
            : 'Lifetime validation failed, the token is expired.';
        const res = graphError(401, 'InvalidAuthenticationToken', message);
        return {
          ...res,
          headers: {
            'WWW-Authenticate':
              'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
          },
        };
      }
      return handler(req);
    };
  }

  private withUser(handler: (user: EntraFakeUser, req: FakeRequest) => FakeResponse): FakeHandler {
    return this.authed((req) => {
      const user = this.directory.get(req.params.id);
      if (!user) {
        return graphError(
          404,
          'Request_ResourceNotFound',
          `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`,
        );
      }
      return handler(user, req);
    });
  }

  private updateUser(user: EntraFakeUser, req: FakeRequest): FakeResponse {
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return graphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    }
    const patch = body as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'accountEnabled' && typeof value !== 'boolean') {
        return graphError(
          400,
          'Request_BadRequest',
          `Invalid value specified for property 'accountEnabled' of resource 'User'.`,
        );
      }
      if (!['accountEnabled', 'displayName', 'jobTitle', 'officeLocation'].includes(key)) {
        return graphError(
          400,
          'Request_BadRequest',
          `Property '${key}' is read-only or not supported by the fake.`,
        );
      }
    }
    if (user.privileged) {
      return graphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    }
    const enabled = patch.accountEnabled;
    if (typeof enabled === 'boolean') {
      if (user.record.onPremisesSyncEnabled && enabled !== user.record.accountEnabled) {
        return graphError(
          400,
          'Request_BadRequest',
          'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
        );
      }
      if (this.directory.setAccountEnabled(user, enabled)) {
        this.recordEffect(enabled ? 'identity.unsuspend_user' : 'identity.suspend_user', user.record.id);
      }
    }
    for (const key of ['displayName', 'jobTitle', 'officeLocation'] as const) {
      if (typeof patch[key] === 'string') user.record[key] = patch[key];
    }
    return { status: 204 };
  }

  private methods(user: EntraFakeUser, collection?: string): FakeResponse {
    const kind = collection === undefined ? undefined : kindOfCollection(collection);
    if (collection !== undefined && !kind) return unknownSegment(collection);
    const items = user.methods.filter((m) => !kind || m.kind === kind).map((m) => m.body);
    const context = `${this.url}/v1.0/$metadata#users('${user.record.id}')/authentication/${collection ?? 'methods'}`;
    return { status: 200, body: { '@odata.context': context, value: items } };
  }
}

/** Starts nothing: call `start()` on the result. */
export function createEntraFake(options: EntraFakeOptions = {}): EntraFake {
  return new EntraFake(options);
}

function unknownSegment(segment: string): FakeResponse {
  return graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}
