import {
  parseRetryAfter,
  type HttpResponse,
  type ParsedVendorError,
  type QueryValue,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';

export const VENDOR = 'SentinelOne';
export const API_PATH = '/web/api/v2.1';

/** The agent fields the adapter reads (GET /web/api/v2.1/agents). */
export interface S1Agent {
  id: string;
  uuid?: string;
  computerName: string;
  /** connected, disconnecting, disconnected or connecting. */
  networkStatus?: string | null;
  isActive?: boolean;
  osType?: string | null;
  osName?: string | null;
  osRevision?: string | null;
  lastActiveDate?: string | null;
  lastIpToMgmt?: string | null;
  externalIp?: string | null;
  networkInterfaces?: Array<{ inet?: string[] | null; physical?: string | null }> | null;
}

/** What every SentinelOne endpoint answers: `data`, `pagination` on lists, `errors` on failure. */
export interface S1Envelope<D> {
  data?: D;
  pagination?: { totalItems?: number; nextCursor?: string | null };
  errors?: S1ErrorEntry[] | null;
}

export interface S1ErrorEntry {
  code?: number;
  title?: string;
  detail?: unknown;
}

/** SentinelOne's 429 is not documented publicly; read the standard `Retry-After` (seconds or a date). */
export const s1RetryAfter = parseRetryAfter;

/** Reads `errors[0]`: `{code: 4010010, title: "Authentication Failed", detail: null | string | object}`. */
export function s1ParseError(status: number, body: unknown): ParsedVendorError {
  const first = (body as S1Envelope<unknown> | undefined)?.errors?.[0];
  if (first && typeof first.title === 'string') {
    const detail =
      typeof first.detail === 'string' ? first.detail : first.detail ? JSON.stringify(first.detail) : '';
    return {
      code: first.code === undefined ? undefined : String(first.code),
      message: detail && detail !== first.title ? `${first.title}: ${detail}` : first.title,
    };
  }
  return { message: `HTTP ${status}` };
}

/** Calls to one SentinelOne management console with its API token, through the platform's shared client. */
export class S1Client {
  private readonly authorization: string;
  /** Where the API lives under the base URL: the console URL needs the path, a full API URL does not. */
  private readonly prefix: string;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    const token = ctx.connection.secrets.apiToken;
    if (!token) {
      throw new VendorError({
        vendor: VENDOR,
        code: 'MISSING_CREDENTIALS',
        message: 'the connection has no apiToken',
        retryable: false,
      });
    }
    this.authorization = `ApiToken ${token}`;
    this.prefix = ctx.http.baseUrl.endsWith(API_PATH) ? '' : API_PATH;
  }

  /** Agents matching the given filters (first page). */
  async agents(query: Record<string, QueryValue>): Promise<S1Agent[]> {
    const res = await this.send<S1Agent[]>({ method: 'GET', path: '/agents', query });
    return res.body?.data ?? [];
  }

  /** One agent by id; undefined when the console does not know it. */
  async agent(id: string): Promise<S1Agent | undefined> {
    return (await this.agents({ ids: id })).find((a) => a.id === id);
  }

  /** Runs an agent action on these agents; resolves to how many agents the console says it affected. */
  async agentAction(action: 'disconnect' | 'connect', ids: string[]): Promise<number> {
    const res = await this.send<{ affected?: number }>({
      method: 'POST',
      path: `/agents/actions/${action}`,
      json: { filter: { ids }, data: {} },
    });
    const affected = res.body?.data?.affected;
    return typeof affected === 'number' ? affected : 0;
  }

  private send<D>(req: {
    method: string;
    path: string;
    query?: Record<string, QueryValue>;
    json?: unknown;
  }): Promise<HttpResponse<S1Envelope<D>>> {
    return this.ctx.http.request<S1Envelope<D>>({
      ...req,
      path: `${this.prefix}${req.path}`,
      headers: { authorization: this.authorization },
      signal: this.ctx.signal,
      retryAfter: s1RetryAfter,
      parseError: s1ParseError,
    });
  }
}

/** SentinelOne's networkStatus in the vocabulary of the `edr.*` capabilities. */
export function hostStatus(networkStatus: string | null | undefined): string {
  switch (networkStatus) {
    case 'connected':
      return 'normal';
    case 'disconnecting':
      return 'containment_pending';
    case 'disconnected':
      return 'contained';
    case 'connecting':
      return 'release_pending';
    case null:
    case undefined:
      return 'unknown';
    default:
      return networkStatus;
  }
}

export function hostNotFound(message: string, status?: number): VendorError {
  return new VendorError({ vendor: VENDOR, status, code: 'HOST_NOT_FOUND', message, retryable: false });
}

export function requiredString(value: unknown, name: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'BAD_INPUT',
      message: `${name} is required`,
      retryable: false,
    });
  }
  return text;
}
