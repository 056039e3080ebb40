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
export const DEFAULT_QUARANTINE_FOLDER = 'deleteditems';

/** The connection's settings, defaults applied. */
export interface GraphMailSettings extends EntraTenant {
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
  const folder = typeof settings.quarantineFolder === 'string' ? settings.quarantineFolder.trim() : '';
  return {
    ...entraTenant(settings),
    graphUrl: urlSetting(settings.graphUrl, DEFAULT_GRAPH_URL, 'graphUrl', VENDOR),
    quarantineFolder: folder || DEFAULT_QUARANTINE_FOLDER,
    mailboxes: settings.mailboxes,
  };
}

/** Authenticated calls to Microsoft Graph v1.0 for one connection, through the platform's client. */
export class GraphMailClient {
  readonly settings: GraphMailSettings;
  private readonly auth: OAuth2ClientCredentials;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    this.settings = graphSettings(ctx.connection.settings);
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
