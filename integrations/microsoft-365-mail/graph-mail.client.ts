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
export const DEFAULT_QUARANTINE_FOLDER = 'deleteditems';

/** The connection's settings, defaults applied. */
export interface GraphMailSettings {
  tenantId: string;
  loginUrl: string;
  graphUrl: string;
  quarantineFolder: string;
  mailboxes: unknown;
}

/** A message as `$select`ed by the adapter. */
export interface GraphMessage {
  id: string;
  subject?: string | null;
  from?: { emailAddress?: { name?: string; address?: string } } | null;
  receivedDateTime?: string | null;
  internetMessageId?: string | null;
  parentFolderId?: string | null;
}

export interface GraphFolder {
  id: string;
  displayName?: string;
}

export interface GraphMessageRule {
  id: string;
  displayName?: string;
  sequence?: number;
  isEnabled?: boolean;
  conditions?: {
    senderContains?: string[];
    fromAddresses?: Array<{ emailAddress?: { address?: string } }>;
    [other: string]: unknown;
  };
  exceptions?: Record<string, unknown> | null;
  actions?: {
    delete?: boolean;
    permanentDelete?: boolean;
    moveToFolder?: string;
    stopProcessingRules?: boolean;
  };
}

/** A Graph collection page. */
export interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

export function graphSettings(settings: Record<string, unknown>): GraphMailSettings {
  const tenantId = typeof settings.tenantId === 'string' ? settings.tenantId.trim() : '';
  if (!tenantId) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'BAD_CONFIG',
      message: 'the connection has no tenantId',
      retryable: false,
    });
  }
  const folder = typeof settings.quarantineFolder === 'string' ? settings.quarantineFolder.trim() : '';
  return {
    tenantId,
    loginUrl: urlSetting(settings.loginUrl, DEFAULT_LOGIN_URL, 'loginUrl', VENDOR),
    graphUrl: urlSetting(settings.graphUrl, DEFAULT_GRAPH_URL, 'graphUrl', VENDOR),
    quarantineFolder: folder || DEFAULT_QUARANTINE_FOLDER,
    mailboxes: settings.mailboxes,
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

/** Token providers live as long as the platform's client for the connection; see Falcon's for why. */
const providers = new WeakMap<HttpClient, Map<string, OAuth2ClientCredentials>>();

function tokenProvider(
  http: HttpClient,
  connection: ActionContext['connection'],
  settings: GraphMailSettings,
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
      // The resource's `.default` scope: the application permissions an admin granted the app.
      extra: { scope: `${new URL(settings.graphUrl).origin}/.default` },
      parseError: graphParseError,
    });
    perClient.set(key, provider);
  }
  return provider;
}

/** Authenticated calls to Microsoft Graph v1.0 for one connection, through the platform's client. */
export class GraphMailClient {
  readonly settings: GraphMailSettings;
  private readonly auth: OAuth2ClientCredentials;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    this.settings = graphSettings(ctx.connection.settings);
    this.auth = tokenProvider(ctx.http, ctx.connection, this.settings);
  }

  /** A valid bearer token (fetched or cached). */
  token(): Promise<string> {
    return this.auth.token();
  }

  /** `GET /v1.0{path}`. */
  get<T>(path: string, query?: Record<string, QueryValue>): Promise<HttpResponse<T>> {
    return this.send<T>('GET', `${this.settings.graphUrl}/v1.0${path}`, { query });
  }

  /** `POST /v1.0{path}` with a JSON body. */
  post<T>(path: string, json: unknown, expect?: number[]): Promise<HttpResponse<T>> {
    return this.send<T>('POST', `${this.settings.graphUrl}/v1.0${path}`, { json, expect });
  }

  /** Every item of a collection, following `@odata.nextLink` (same host only) up to `maxPages`. */
  async collect<T>(path: string, query: Record<string, QueryValue>, maxPages = 10): Promise<T[]> {
    const items: T[] = [];
    let page = (await this.get<GraphPage<T>>(path, query)).body;
    for (let n = 1; ; n++) {
      items.push(...(page?.value ?? []));
      const next = page?.['@odata.nextLink'];
      if (!next || n >= maxPages) return items;
      // The link carries our bearer token along: follow it only to the Graph host we were given.
      if (!next.startsWith(`${this.settings.graphUrl}/`)) return items;
      page = (await this.send<GraphPage<T>>('GET', next, {})).body;
    }
  }

  /** One message's folder and identity fields. */
  async message(mailbox: string, id: string): Promise<GraphMessage> {
    const res = await this.get<GraphMessage>(`/users/${enc(mailbox)}/messages/${enc(id)}`, {
      $select: MESSAGE_FIELDS,
    });
    return res.body;
  }

  /** A folder by id or well-known name (`inbox`, `deleteditems`, …). */
  async folder(mailbox: string, idOrName: string): Promise<GraphFolder> {
    const res = await this.get<GraphFolder>(`/users/${enc(mailbox)}/mailFolders/${enc(idOrName)}`, {
      $select: 'id,displayName',
    });
    return res.body;
  }

  private send<T>(
    method: string,
    url: string,
    req: { query?: Record<string, QueryValue>; json?: unknown; expect?: number[] },
  ): Promise<HttpResponse<T>> {
    const { client, path } = endpoint(this.ctx.http, url, VENDOR);
    return client.request<T>({
      method,
      path,
      ...req,
      bearer: this.auth,
      signal: this.ctx.signal,
      parseError: graphParseError,
    });
  }
}

export const MESSAGE_FIELDS = 'id,subject,from,receivedDateTime,internetMessageId,parentFolderId';

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
