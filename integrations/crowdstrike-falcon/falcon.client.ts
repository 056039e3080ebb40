import {
  OAuth2ClientCredentials,
  type HttpClient,
  type HttpResponse,
  type ParsedVendorError,
  type QueryValue,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { perClientCache, secretDigest } from '../../src/integrations/kit/per-client';
import { VendorError } from '../../src/integrations/kit/vendor-error';

export const VENDOR = 'CrowdStrike';

export interface FalconErrorEntry {
  code: number;
  message: string;
}

/** The envelope every Falcon endpoint answers with. */
export interface FalconEnvelope<R> {
  meta?: {
    query_time?: number;
    powered_by?: string;
    trace_id?: string;
    pagination?: { offset: number; limit: number; total: number };
  };
  resources?: R[] | null;
  errors?: FalconErrorEntry[] | null;
}

/** The device fields the adapter reads (GET /devices/entities/devices/v2). */
export interface FalconDevice {
  device_id: string;
  hostname: string;
  platform_name?: string;
  os_version?: string;
  local_ip?: string;
  status?: string;
  last_seen?: string;
}

/** Falcon puts `X-Ratelimit-Retryafter` on a 429 as an epoch timestamp in seconds, not a delay. */
export function falconRetryAfter(res: Response, now: number): number | undefined {
  const raw = res.headers.get('x-ratelimit-retryafter');
  const epochSeconds = raw ? Number(raw) : NaN;
  return Number.isFinite(epochSeconds) ? Math.max(0, epochSeconds * 1000 - now) : undefined;
}

/** Reads `errors[0]` of the Falcon envelope; the code there is numeric (usually the HTTP status). */
export function falconParseError(status: number, body: unknown): ParsedVendorError {
  const first = (body as FalconEnvelope<unknown> | undefined)?.errors?.[0];
  if (first && typeof first.message === 'string') return { code: String(first.code), message: first.message };
  return { message: `HTTP ${status}` };
}

/** Token providers live as long as the platform's client for the connection (see perClientCache). */
const providers = perClientCache<OAuth2ClientCredentials>();

function tokenProvider(http: HttpClient, connection: ActionContext['connection']): OAuth2ClientCredentials {
  const { clientId, clientSecret } = connection.secrets;
  if (!clientId || !clientSecret) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'MISSING_CREDENTIALS',
      message: 'the connection has no clientId/clientSecret',
      retryable: false,
    });
  }
  const memberCid = typeof connection.settings.memberCid === 'string' ? connection.settings.memberCid : '';
  const key = `${connection.id}|${clientId}|${memberCid}|${secretDigest(clientSecret)}`;
  return providers(
    http,
    key,
    () =>
      new OAuth2ClientCredentials(http, {
        tokenPath: '/oauth2/token',
        clientId,
        clientSecret,
        extra: memberCid ? { member_cid: memberCid } : undefined,
        retryAfter: falconRetryAfter,
        parseError: falconParseError,
      }),
  );
}

/** Authenticated, envelope-aware calls to one Falcon connection, through the platform's shared client. */
export class FalconClient {
  private readonly auth: OAuth2ClientCredentials;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    this.auth = tokenProvider(ctx.http, ctx.connection);
  }

  /** A valid bearer token (fetched or cached). */
  token(): Promise<string> {
    return this.auth.token();
  }

  get<R>(
    path: string,
    query?: Record<string, QueryValue>,
    expect?: number[],
  ): Promise<HttpResponse<FalconEnvelope<R>>> {
    return this.send<R>({ method: 'GET', path, query, expect });
  }

  post<R>(
    path: string,
    query: Record<string, QueryValue> | undefined,
    json: unknown,
    expect?: number[],
  ): Promise<HttpResponse<FalconEnvelope<R>>> {
    return this.send<R>({ method: 'POST', path, query, json, expect });
  }

  /** Device ids matching an FQL filter (first page of up to `limit`). */
  async queryDeviceIds(filter: string, limit = 100): Promise<string[]> {
    const res = await this.get<string>('/devices/queries/devices/v1', { filter, limit, offset: 0 });
    return res.body?.resources ?? [];
  }

  /** Device details; unknown ids are simply absent from the result. */
  async devices(ids: string[]): Promise<FalconDevice[]> {
    if (!ids.length) return [];
    const res = await this.get<FalconDevice>('/devices/entities/devices/v2', { ids }, [200, 404]);
    return res.body?.resources ?? [];
  }

  private send<R>(req: {
    method: string;
    path: string;
    query?: Record<string, QueryValue>;
    json?: unknown;
    expect?: number[];
  }): Promise<HttpResponse<FalconEnvelope<R>>> {
    return this.ctx.http.request<FalconEnvelope<R>>({
      ...req,
      bearer: this.auth,
      signal: this.ctx.signal,
      retryAfter: falconRetryAfter,
      parseError: falconParseError,
    });
  }
}

/** Falcon's containment states in the vocabulary of the `edr.*` capabilities. */
export function hostStatus(falconStatus: string | undefined): string {
  if (falconStatus === undefined) return 'unknown';
  switch (falconStatus) {
    case 'normal':
    case 'containment_pending':
    case 'contained':
      return falconStatus;
    case 'lift_containment_pending':
      return 'release_pending';
    default:
      return falconStatus;
  }
}

export function hostNotFound(message: string, status?: number): VendorError {
  return new VendorError({ vendor: VENDOR, status, code: 'HOST_NOT_FOUND', message, retryable: false });
}
