import {
  defaultParseError,
  type HttpResponse,
  type ParsedVendorError,
  type QueryValue,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';

export const VENDOR = 'Okta';

/** The User object fields the adapter reads (GET /api/v1/users/{id}). */
export interface OktaUser {
  id: string;
  /** STAGED, PROVISIONED, ACTIVE, RECOVERY, PASSWORD_EXPIRED, LOCKED_OUT, SUSPENDED or DEPROVISIONED. */
  status: string;
  transitioningToStatus?: string | null;
  profile: {
    login: string;
    email?: string | null;
    firstName?: string | null;
    lastName?: string | null;
    displayName?: string | null;
  };
}

/** An enrolled factor (GET /api/v1/users/{id}/factors). */
export interface OktaFactor {
  id: string;
  factorType: string;
  provider?: string;
  status?: string;
}

/** Okta's error body. */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink?: string;
  errorId?: string;
  errorCauses?: Array<{ errorSummary?: string }>;
}

/**
 * Okta's 429 names the end of the rate-limit window in `X-Rate-Limit-Reset` (UTC epoch seconds).
 * Okta's own SDKs measure it against the response's `Date` header, the server's clock, so a skewed
 * local clock neither hammers Okta nor waits for nothing; without a `Date` we use ours. Every Okta
 * response carries the header, so it is read on 429s only: a 503 is not a reason to wait out the
 * rate-limit window.
 */
export function oktaRetryAfter(res: Response, now: number): number | undefined {
  if (res.status !== 429) return undefined;
  const reset = Number(res.headers.get('x-rate-limit-reset') ?? '');
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  const serverNow = Date.parse(res.headers.get('date') ?? '');
  return Math.max(0, reset * 1000 - (Number.isNaN(serverNow) ? now : serverNow));
}

/** `errorSummary` and `errorCode` of Okta's error body; the causes say what exactly was refused. */
export function oktaParseError(status: number, body: unknown): ParsedVendorError {
  const b = body && typeof body === 'object' ? (body as Partial<OktaErrorBody>) : undefined;
  if (b && typeof b.errorSummary === 'string' && b.errorSummary) {
    const causes = (Array.isArray(b.errorCauses) ? b.errorCauses : [])
      .map((c) => c?.errorSummary)
      .filter((s): s is string => typeof s === 'string' && !!s && s !== b.errorSummary);
    return {
      code: typeof b.errorCode === 'string' ? b.errorCode : undefined,
      message: causes.length ? `${b.errorSummary}: ${causes.join('; ')}` : b.errorSummary,
    };
  }
  return defaultParseError(status, body);
}

/** The connection's API token, without an `SSWS ` prefix someone may have pasted along. */
function apiToken(connection: ActionContext['connection']): string {
  const raw = (connection.secrets.apiToken ?? '').trim().replace(/^SSWS\s+/i, '');
  if (!raw) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'MISSING_CREDENTIALS',
      message: 'the connection has no apiToken',
      retryable: false,
    });
  }
  return raw;
}

/** Calls to one Okta org's management API with an API token, through the platform's shared client. */
export class OktaClient {
  private readonly authorization: string;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    this.authorization = `SSWS ${apiToken(ctx.connection)}`;
  }

  get<T>(path: string, query?: Record<string, QueryValue>, expect?: number[]): Promise<HttpResponse<T>> {
    return this.send<T>('GET', path, query, expect);
  }

  post<T>(path: string, query?: Record<string, QueryValue>): Promise<HttpResponse<T>> {
    return this.send<T>('POST', path, query);
  }

  delete(path: string, query?: Record<string, QueryValue>): Promise<HttpResponse<unknown>> {
    return this.send('DELETE', path, query);
  }

  /** A user by id or login; fails with Okta's own 404 (E0000007) when there is none. */
  async user(idOrLogin: string): Promise<OktaUser> {
    return (await this.get<OktaUser>(`/api/v1/users/${enc(idOrLogin)}`)).body;
  }

  /** A user by id, login or short name, or undefined when Okta has none (404 E0000007). */
  async findUser(idOrLogin: string): Promise<OktaUser | undefined> {
    const res = await this.get<OktaUser | OktaErrorBody>(
      `/api/v1/users/${enc(idOrLogin)}`,
      undefined,
      [200, 404],
    );
    return res.status === 200 ? (res.body as OktaUser) : undefined;
  }

  /** Users matching a search expression (first page; the search is case-insensitive). */
  async searchUsers(expression: string, limit = 20): Promise<OktaUser[]> {
    const res = await this.get<OktaUser[]>('/api/v1/users', { search: expression, limit });
    return Array.isArray(res.body) ? res.body : [];
  }

  /** The factors the user has enrolled (or started to enrol). */
  async factors(userId: string): Promise<OktaFactor[]> {
    const res = await this.get<OktaFactor[]>(`/api/v1/users/${enc(userId)}/factors`);
    return Array.isArray(res.body) ? res.body : [];
  }

  private send<T>(
    method: string,
    path: string,
    query?: Record<string, QueryValue>,
    expect?: number[],
  ): Promise<HttpResponse<T>> {
    return this.ctx.http.request<T>({
      method,
      path,
      query,
      expect,
      headers: { authorization: this.authorization },
      signal: this.ctx.signal,
      retryAfter: oktaRetryAfter,
      parseError: oktaParseError,
    });
  }
}

/** Okta's statuses in the vocabulary of the `identity.*` capabilities. */
export function userStatus(status: string): string {
  switch (status) {
    case 'ACTIVE':
    case 'RECOVERY': // active, in the middle of a password reset
    case 'PASSWORD_EXPIRED': // active, must change the password at next sign-in
      return 'active';
    case 'SUSPENDED':
      return 'suspended';
    case 'DEPROVISIONED':
      return 'deprovisioned';
    case 'STAGED':
    case 'PROVISIONED': // activation pending
      return 'staged';
    case 'LOCKED_OUT':
      return 'locked';
    default:
      return status ? status.toLowerCase() : 'unknown';
  }
}

export function enc(segment: string): string {
  return encodeURIComponent(segment);
}

export function badInput(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_INPUT', message, retryable: false });
}

/** A required, trimmed string field of an action's input. */
export function requiredString(input: unknown, field: string): string {
  const value = (input as Record<string, unknown> | undefined)?.[field];
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw badInput(`${field} is required`);
  return text;
}
