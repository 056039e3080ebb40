import {
  parseRetryAfter,
  type HttpResponse,
  type OAuth2ClientCredentials,
  type QueryValue,
} from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import {
  entraTenant,
  entraTokenProvider,
  graphParseError,
} from '../../src/integrations/kit/microsoft-identity';
import { VendorError } from '../../src/integrations/kit/vendor-error';

export const VENDOR = 'Microsoft';
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

/** Defender sends the standard `Retry-After` in seconds. */
export const mdeRetryAfter = parseRetryAfter;

/** The OAuth2 scope asked for: the setting (sovereign clouds) or the public Defender API's. */
function scopeSetting(settings: Record<string, unknown>): string {
  const value = settings.scope;
  return typeof value === 'string' && value.trim() ? value.trim() : DEFAULT_SCOPE;
}

/** Authenticated calls to one Defender for Endpoint connection, through the platform's shared client. */
export class MdeClient {
  private readonly auth: OAuth2ClientCredentials;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal'>) {
    const { connection } = ctx;
    this.auth = entraTokenProvider(
      ctx.http,
      connection,
      entraTenant(connection.settings),
      scopeSetting(connection.settings),
    );
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
      parseError: graphParseError,
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
