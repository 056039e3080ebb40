import { createHash } from 'node:crypto';
import {
  OAuth2ClientCredentials,
  type HttpClient,
  type HttpResponse,
  type ParsedVendorError,
  type QueryValue,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';
import { endpoint, urlSetting } from '../../src/integrations/kit/vendor-endpoint';

export const VENDOR = 'Microsoft';
export const DEFAULT_LOGIN_URL = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';

/** The user properties the adapter `$select`s (Graph leaves `accountEnabled` out by default). */
export const USER_FIELDS = 'id,userPrincipalName,mail,displayName,accountEnabled';

export interface EntraSettings {
  tenantId: string;
  loginUrl: string;
  graphUrl: string;
}

/** A user as `$select`ed by the adapter. */
export interface GraphUser {
  id: string;
  userPrincipalName: string;
  mail?: string | null;
  displayName?: string | null;
  accountEnabled?: boolean | null;
}

/** A Graph collection page. */
export interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

export function entraSettings(settings: Record<string, unknown>): EntraSettings {
  const tenantId = typeof settings.tenantId === 'string' ? settings.tenantId.trim() : '';
  if (!tenantId) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'BAD_CONFIG',
      message: 'the connection has no tenantId',
      retryable: false,
    });
  }
  return {
    tenantId,
    loginUrl: urlSetting(settings.loginUrl, DEFAULT_LOGIN_URL, 'loginUrl', VENDOR),
    graphUrl: urlSetting(settings.graphUrl, DEFAULT_GRAPH_URL, 'graphUrl', VENDOR),
  };
}

/**
 * Graph answers `{"error": {"code", "message", "innerError"}}`; the Entra token endpoint answers
 * `{"error": "invalid_client", "error_description": "AADSTS…\r\nTrace ID: …"}` (first line kept).
 */
export function graphParseError(status: number, body: unknown): ParsedVendorError {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  const nested = b?.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
  if (nested && typeof nested.message === 'string' && nested.message) {
    return { code: typeof nested.code === 'string' ? nested.code : undefined, message: nested.message };
  }
  if (typeof b?.error === 'string') {
    const description = typeof b.error_description === 'string' ? b.error_description.split(/\r?\n/)[0] : '';
    return { code: b.error, message: description || b.error };
  }
  if (typeof body === 'string' && body.trim()) return { message: body.trim().slice(0, 200) };
  return { message: `HTTP ${status}` };
}

/**
 * Token providers live as long as the platform's client for the connection, so a token is reused
 * across actions; the key carries a digest of the secret so a rotated one never rides on an old token.
 */
const providers = new WeakMap<HttpClient, Map<string, OAuth2ClientCredentials>>();

function tokenProvider(
  http: HttpClient,
  connection: ActionContext['connection'],
  settings: EntraSettings,
): OAuth2ClientCredentials {
  const { clientId, clientSecret } = connection.secrets;
  if (!clientId || !clientSecret) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'MISSING_CREDENTIALS',
      message: 'the connection has no clientId/clientSecret',
      retryable: false,
    });
  }
  const digest = createHash('sha256').update(clientSecret).digest('hex').slice(0, 16);
  const key = [connection.id, settings.tenantId, settings.loginUrl, settings.graphUrl, clientId, digest].join(
    '|',
  );
  let perClient = providers.get(http);
  if (!perClient) providers.set(http, (perClient = new Map()));
  let provider = perClient.get(key);
  if (!provider) {
    const tokenUrl = `${settings.loginUrl}/${encodeURIComponent(settings.tenantId)}/oauth2/v2.0/token`;
    const { client, path } = endpoint(http, tokenUrl, VENDOR);
    provider = new OAuth2ClientCredentials(client, {
      tokenPath: path,
      clientId,
      clientSecret,
      grantType: 'client_credentials',
      // The resource's `.default` scope: the application permissions an admin consented to.
      extra: { scope: `${new URL(settings.graphUrl).origin}/.default` },
      parseError: graphParseError,
    });
    perClient.set(key, provider);
  }
  return provider;
}

/** Authenticated calls to Microsoft Graph v1.0 for one connection, through the platform's client. */
export class EntraGraphClient {
  readonly settings: EntraSettings;
  private readonly auth: OAuth2ClientCredentials;

  constructor(
    private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal' | 'idempotencyKey'>,
  ) {
    this.settings = entraSettings(ctx.connection.settings);
    this.auth = tokenProvider(ctx.http, ctx.connection, this.settings);
  }

  /** A valid bearer token (fetched or cached). */
  token(): Promise<string> {
    return this.auth.token();
  }

  /** `GET /v1.0{path}`. */
  get<T>(path: string, query?: Record<string, QueryValue>, expect?: number[]): Promise<HttpResponse<T>> {
    return this.send<T>('GET', path, { query, expect });
  }

  /** `POST /v1.0{path}`, with a JSON body when given. */
  post<T>(path: string, json?: unknown): Promise<HttpResponse<T>> {
    return this.send<T>('POST', path, { json });
  }

  /** `PATCH /v1.0{path}` with a JSON body. */
  patch(path: string, json: unknown): Promise<HttpResponse<unknown>> {
    return this.send('PATCH', path, { json });
  }

  /** `DELETE /v1.0{path}`. */
  delete(path: string, expect?: number[]): Promise<HttpResponse<unknown>> {
    return this.send('DELETE', path, { expect });
  }

  /** A user by object id or UPN; fails with Graph's own 404 when there is none. */
  async user(idOrUpn: string): Promise<GraphUser> {
    return (await this.get<GraphUser>(`/users/${enc(idOrUpn)}`, { $select: USER_FIELDS })).body;
  }

  /** Every item of a collection, following `@odata.nextLink` (same Graph host only) up to `maxPages`. */
  async collect<T>(path: string, query?: Record<string, QueryValue>, maxPages = 10): Promise<T[]> {
    const items: T[] = [];
    let page = (await this.get<GraphPage<T>>(path, query)).body;
    for (let n = 1; ; n++) {
      items.push(...(page?.value ?? []));
      const next = page?.['@odata.nextLink'];
      // The link would carry our bearer token along: follow it only to the Graph host we were given.
      if (!next || n >= maxPages || !next.startsWith(`${this.settings.graphUrl}/`)) return items;
      page = (await this.request<GraphPage<T>>('GET', next, {})).body;
    }
  }

  private send<T>(
    method: string,
    path: string,
    req: { query?: Record<string, QueryValue>; json?: unknown; expect?: number[] },
  ): Promise<HttpResponse<T>> {
    return this.request<T>(method, `${this.settings.graphUrl}/v1.0${path}`, req);
  }

  private request<T>(
    method: string,
    url: string,
    req: { query?: Record<string, QueryValue>; json?: unknown; expect?: number[] },
  ): Promise<HttpResponse<T>> {
    const { client, path } = endpoint(this.ctx.http, url, VENDOR);
    return client.request<T>({
      method,
      path,
      ...req,
      // Graph logs the caller's client-request-id: one derived from the step's idempotency key ties
      // every retry of this call together for Microsoft support, and nothing else.
      headers: { 'client-request-id': requestId(this.ctx.idempotencyKey, method, path) },
      bearer: this.auth,
      signal: this.ctx.signal,
      parseError: graphParseError,
    });
  }
}

/** A GUID (Graph wants one) that is stable for one call of one step. */
function requestId(idempotencyKey: string, method: string, path: string): string {
  const h = createHash('sha256')
    .update(`${idempotencyKey}|${method}|${path.split('?')[0]}`)
    .digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Entra's account state in the vocabulary of the `identity.*` capabilities. */
export function userStatus(accountEnabled: boolean | null | undefined): string {
  if (accountEnabled === true) return 'active';
  if (accountEnabled === false) return 'suspended';
  return 'unknown';
}

export function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** An OData string literal: single quotes, a quote doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
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
