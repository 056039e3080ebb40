import { createHash } from 'node:crypto';
import {
  HttpClient,
  OAuth2ClientCredentials,
  parseRetryAfter,
  type HttpResponse,
  type ParsedVendorError,
  type QueryValue,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { endpoint } from '../../src/integrations/kit/vendor-endpoint';
import { VendorError } from '../../src/integrations/kit/vendor-error';

export const VENDOR = 'Microsoft';
export const DEFAULT_LOGIN_URL = 'https://login.microsoftonline.com';
export const DEFAULT_SCOPE = 'https://api.securitycenter.microsoft.com/.default';

/** The machine fields the adapter reads (GET /api/machines). */
export interface MdeMachine {
  id: string;
  computerDnsName: string;
  osPlatform?: string | null;
  version?: string | null;
  osBuild?: number | null;
  lastIpAddress?: string | null;
  lastSeen?: string | null;
  healthStatus?: string | null;
}

/** The MachineAction fields the adapter reads (GET /api/machineactions/{id}). */
export interface MdeMachineAction {
  id: string;
  type: string;
  /** Pending, InProgress, Succeeded, Failed, TimeOut or Cancelled. */
  status: string;
  machineId: string;
  requestorComment?: string | null;
  creationDateTimeUtc?: string | null;
  relatedFileInfo?: { fileIdentifier?: string; fileIdentifierType?: string } | null;
}

interface ODataList<T> {
  '@odata.context'?: string;
  value?: T[];
}

/** Machine action endpoints under /api/machines/{id}/ (names are case-sensitive at Defender). */
export type MachineActionEndpoint = 'isolate' | 'unisolate' | 'StopAndQuarantineFile';

/** Defender and Entra both send the standard `Retry-After` in seconds. */
export const mdeRetryAfter = parseRetryAfter;

/**
 * Defender answers `{error: {code, message, target}}`; Entra's token endpoint answers
 * `{error: "invalid_client", error_description: "AADSTS7000215: …\r\nTrace ID: …"}`.
 */
export function mdeParseError(status: number, body: unknown): ParsedVendorError {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  const nested = b?.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
  if (nested && typeof nested.message === 'string') {
    return { code: typeof nested.code === 'string' ? nested.code : undefined, message: nested.message };
  }
  if (typeof b?.error === 'string') {
    const description = typeof b.error_description === 'string' ? b.error_description : '';
    // The first line carries the AADSTS code and reason; the rest is trace and correlation ids.
    return { code: b.error, message: description.split(/\r?\n/)[0]?.trim() || b.error };
  }
  return { message: `HTTP ${status}` };
}

export function stringSetting(settings: Record<string, unknown>, key: string): string | undefined {
  const value = settings[key];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/**
 * Token providers live as long as the HttpClient the platform keeps per connection version, so a
 * token is reused across actions. The key adds a digest of the secret so a rotated secret never
 * rides on a token issued for the old one.
 */
const providers = new WeakMap<HttpClient, Map<string, OAuth2ClientCredentials>>();

function tokenProvider(http: HttpClient, connection: ActionContext['connection']): OAuth2ClientCredentials {
  const { clientId, clientSecret } = connection.secrets;
  if (!clientId || !clientSecret) {
    throw badConnection('MISSING_CREDENTIALS', 'the connection has no clientId/clientSecret');
  }
  const tenantId = stringSetting(connection.settings, 'tenantId');
  if (!tenantId) throw badConnection('MISSING_SETTING', 'the connection has no tenantId');
  const loginUrl = (stringSetting(connection.settings, 'loginUrl') ?? DEFAULT_LOGIN_URL).replace(/\/+$/, '');
  if (!isHttpUrl(loginUrl)) throw badConnection('BAD_SETTING', 'loginUrl must be an http(s) URL');
  const scope = stringSetting(connection.settings, 'scope') ?? DEFAULT_SCOPE;

  const digest = createHash('sha256').update(clientSecret).digest('hex').slice(0, 16);
  const key = [connection.id, tenantId, clientId, loginUrl, scope, digest].join('|');
  let perClient = providers.get(http);
  if (!perClient) providers.set(http, (perClient = new Map()));
  let provider = perClient.get(key);
  if (!provider) {
    const route = loginRoute(http, loginUrl, `/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`);
    provider = new OAuth2ClientCredentials(route.client, {
      tokenPath: route.path,
      clientId,
      clientSecret,
      grantType: 'client_credentials',
      extra: { scope },
      retryAfter: mdeRetryAfter,
      parseError: mdeParseError,
    });
    perClient.set(key, provider);
  }
  return provider;
}

/** Entra lives on another host than the Defender API: the kit's endpoint() picks the client. */
function loginRoute(
  http: HttpClient,
  loginUrl: string,
  tokenPath: string,
): { client: HttpClient; path: string } {
  return endpoint(http, `${loginUrl}${tokenPath}`, http.vendor);
}

/** Authenticated calls to one Defender for Endpoint connection, through the platform's shared client. */
export class MdeClient {
  private readonly auth: OAuth2ClientCredentials;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    this.auth = tokenProvider(ctx.http, ctx.connection);
  }

  /** A valid bearer token (fetched or cached). */
  token(): Promise<string> {
    return this.auth.token();
  }

  /** One machine by its id; undefined when Defender does not know it. */
  async machine(id: string): Promise<MdeMachine | undefined> {
    const res = await this.send<MdeMachine>({
      method: 'GET',
      path: `/api/machines/${encodeURIComponent(id)}`,
      expect: [200, 404],
    });
    return res.status === 404 ? undefined : res.body;
  }

  /** Machines matching an OData filter; Defender answers 404 when it has no recent machines at all. */
  async machines(filter: string | undefined, top?: number): Promise<MdeMachine[]> {
    const res = await this.send<ODataList<MdeMachine>>({
      method: 'GET',
      path: '/api/machines',
      query: { $filter: filter, $top: top },
      expect: [200, 404],
    });
    return res.status === 404 ? [] : (res.body?.value ?? []);
  }

  /** Every machine action Defender holds for one machine (any type, any status). */
  async machineActions(machineId: string): Promise<MdeMachineAction[]> {
    const res = await this.send<ODataList<MdeMachineAction>>({
      method: 'GET',
      path: '/api/machineactions',
      query: { $filter: `machineId eq ${odataString(machineId)}` },
    });
    return res.body?.value ?? [];
  }

  async machineAction(id: string): Promise<MdeMachineAction> {
    const res = await this.send<MdeMachineAction>({
      method: 'GET',
      path: `/api/machineactions/${encodeURIComponent(id)}`,
    });
    return res.body;
  }

  /** Starts a machine action; an unknown machine is a non-retryable HOST_NOT_FOUND. */
  async act(
    machineId: string,
    endpoint: MachineActionEndpoint,
    body: Record<string, string>,
  ): Promise<MdeMachineAction> {
    try {
      const res = await this.send<MdeMachineAction>({
        method: 'POST',
        path: `/api/machines/${encodeURIComponent(machineId)}/${endpoint}`,
        json: body,
        expect: [200, 201],
      });
      return res.body;
    } catch (err) {
      if (err instanceof VendorError && err.status === 404) {
        throw hostNotFound(`Defender has no machine with id "${machineId}": ${err.message}`, 404);
      }
      throw err;
    }
  }

  private send<T>(req: {
    method: string;
    path: string;
    query?: Record<string, QueryValue>;
    json?: unknown;
    expect?: number[];
  }): Promise<HttpResponse<T>> {
    return this.ctx.http.request<T>({
      ...req,
      bearer: this.auth,
      signal: this.ctx.signal,
      retryAfter: mdeRetryAfter,
      parseError: mdeParseError,
    });
  }
}

/** An OData string literal: single-quoted, quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Defender's answer to a duplicate request: 400 "Action is already in progress". */
export function isAlreadyInProgress(err: unknown): boolean {
  return (
    err instanceof VendorError &&
    err.status === 400 &&
    (err.code === 'ActiveRequestAlreadyExists' || /already in progress/i.test(err.message))
  );
}

/** What Defender shows in the action's comment: the analyst's reason plus the step's key, for audit. */
export function auditComment(comment: unknown, idempotencyKey: string): string {
  const reason = typeof comment === 'string' && comment.trim() ? comment.trim() : 'Requested by Cordon';
  return `${reason} ${commentMarker(idempotencyKey)}`;
}

export function commentMarker(idempotencyKey: string): string {
  return `[cordon:${idempotencyKey}]`;
}

export function hostNotFound(message: string, status?: number): VendorError {
  return new VendorError({ vendor: VENDOR, status, code: 'HOST_NOT_FOUND', message, retryable: false });
}

export function badInput(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_INPUT', message, retryable: false });
}

export function requiredString(value: unknown, name: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw badInput(`${name} is required`);
  return text;
}

function badConnection(code: string, message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code, message, retryable: false });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
