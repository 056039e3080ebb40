import { createHash } from 'node:crypto';
import type {
  HttpResponse,
  OAuth2ClientCredentials,
  QueryValue,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';
import {
  defaultScope,
  entraTenant,
  entraTokenProvider,
  graphParseError,
  type EntraTenant,
} from '../../src/integrations/kit/microsoft-identity';
import { endpoint, urlSetting } from '../../src/integrations/kit/vendor-endpoint';

export const VENDOR = 'Microsoft';
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';

/** The user properties the adapter `$select`s (Graph leaves `accountEnabled` out by default). */
export const USER_FIELDS = 'id,userPrincipalName,mail,displayName,accountEnabled';

export interface EntraSettings extends EntraTenant {
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
  return {
    ...entraTenant(settings),
    graphUrl: urlSetting(settings.graphUrl, DEFAULT_GRAPH_URL, 'graphUrl', VENDOR),
  };
}

/** Authenticated calls to Microsoft Graph v1.0 for one connection, through the platform's client. */
export class EntraGraphClient {
  readonly settings: EntraSettings;
  private readonly auth: OAuth2ClientCredentials;

  constructor(
    private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal' | 'idempotencyKey'>,
  ) {
    this.settings = entraSettings(ctx.connection.settings);
    this.auth = entraTokenProvider(
      ctx.http,
      ctx.connection,
      this.settings,
      defaultScope(this.settings.graphUrl),
    );
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
