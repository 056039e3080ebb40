import type { HttpResponse, ParsedVendorError } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { VendorError } from '../../src/integrations/kit/vendor-error';

export const VENDOR = 'Fortinet';

/** The envelope every FortiOS REST answer comes in; GETs add `results`, `size`, `matched_count`. */
export interface FortiEnvelope<R = unknown> {
  http_method?: string;
  revision?: string;
  revision_changed?: boolean;
  mkey?: string;
  status?: 'success' | 'error';
  http_status?: number;
  /** FortiOS's negative error number, on errors. */
  error?: number;
  cli_error?: string;
  vdom?: string;
  path?: string;
  name?: string;
  serial?: string;
  version?: string;
  build?: number;
  results?: R;
  size?: number;
  matched_count?: number;
}

export interface FortiMember {
  name: string;
  q_origin_key?: string;
}

export interface FortiGroup {
  name: string;
  member?: FortiMember[];
}

export type AddressTable = 'address' | 'address6';
export type GroupTable = 'addrgrp' | 'addrgrp6';

export interface FortiSettings {
  vdom: string;
  blockGroup: string;
  blockGroup6?: string;
}

/** FortiOS error numbers seen in practice (-5 is in FortiOS debug logs; the others are common). */
const ERROR_TEXT: Record<string, string> = {
  '-1': 'invalid request',
  '-3': 'entry not found',
  '-5': 'an object with this name already exists',
  '-23': 'the object is still in use',
  '-651': 'input value is invalid',
};

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  401: 'the API token is missing or not valid',
  403: 'refused: not from a trusted host of the API admin, or its profile lacks the permission',
  404: 'not found',
  405: 'method not allowed',
  424: 'failed dependency: a referenced object is missing or a value is invalid',
  429: 'too many requests',
  500: 'internal error',
};

export const ALREADY_EXISTS = -5;
const NAME = /^[^\s/\\"'][^/\\"']{0,78}$/;

/** Error hook: FortiOS gives a number and sometimes `cli_error`, rarely words; we add the words. */
export function fortigateParseError(status: number, body: unknown): ParsedVendorError {
  const env = (body && typeof body === 'object' ? body : {}) as FortiEnvelope;
  const code = typeof env.error === 'number' ? String(env.error) : String(status);
  const words = env.cli_error?.trim() || ERROR_TEXT[code] || STATUS_TEXT[status] || 'request refused';
  const ref = typeof env.error === 'number' ? `FortiOS error ${env.error}, HTTP ${status}` : `HTTP ${status}`;
  return { code, message: `${words} (${ref})` };
}

/** Settings with their defaults, checked so they can go into a URL path. */
export function fortigateSettings(settings: Record<string, unknown>): FortiSettings {
  const str = (key: string) =>
    typeof settings[key] === 'string' && settings[key] !== '' ? settings[key] : undefined;
  const parsed: FortiSettings = {
    vdom: str('vdom') ?? 'root',
    blockGroup: str('blockGroup') ?? 'cordon-blocklist',
    blockGroup6: str('blockGroup6'),
  };
  for (const key of ['vdom', 'blockGroup', 'blockGroup6'] as const) {
    const value = parsed[key];
    if (value !== undefined && !NAME.test(value)) {
      throw new VendorError({
        vendor: VENDOR,
        code: 'BAD_SETTINGS',
        message: `setting ${key} "${value}" is not a valid FortiOS name`,
        retryable: false,
      });
    }
  }
  return parsed;
}

/**
 * One FortiGate's REST API through the platform's shared client: `Authorization: Bearer` with the
 * REST API admin's token (it does not expire), `?vdom=` on every call, FortiOS's envelope read.
 */
export class FortiGateClient {
  readonly settings: FortiSettings;
  private readonly token: string;

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
    this.token = token;
    this.settings = fortigateSettings(ctx.connection.settings);
  }

  /** `GET /api/v2/monitor/system/status`: proves the token and the trusted host. */
  async systemStatus(): Promise<FortiEnvelope<Record<string, unknown>> | undefined> {
    const res = await this.send<Record<string, unknown>>('GET', '/api/v2/monitor/system/status');
    return res.body;
  }

  /** A group's member names; undefined when the group does not exist (404). */
  async groupMembers(table: GroupTable, group: string): Promise<string[] | undefined> {
    const res = await this.send<FortiGroup[]>('GET', cmdbPath(table, group), { expect: [200, 404] });
    if (res.status === 404) return undefined;
    const [entry] = res.body?.results ?? [];
    return (entry?.member ?? []).map((m) => m.name);
  }

  /** Creates an address object; `false` when one by that name exists already (HTTP 500, error -5). */
  async createAddress(table: AddressTable, object: Record<string, string>): Promise<boolean> {
    const res = await this.send('POST', cmdbPath(table), { json: object, expect: [200, 500] });
    if (res.status === 200) return true;
    if (res.body?.error === ALREADY_EXISTS) return false;
    // Any other 500 is FortiOS failing, not our duplicate: let the step be retried.
    const parsed = fortigateParseError(res.status, res.body);
    throw new VendorError({ vendor: VENDOR, status: res.status, ...parsed, retryable: true });
  }

  /** Replaces a group's member list (FortiOS has no documented append; PUT carries the full list). */
  async setMembers(table: GroupTable, group: string, names: string[]): Promise<void> {
    await this.send('PUT', cmdbPath(table, group), { json: { member: names.map((name) => ({ name })) } });
  }

  /** Deletes an address object; tidying only, so "gone already" and "still in use" are fine. */
  async deleteAddress(table: AddressTable, name: string): Promise<void> {
    await this.send('DELETE', cmdbPath(table, name), { expect: [200, 404, 424, 500] });
  }

  private send<R>(
    method: string,
    path: string,
    options: { json?: unknown; expect?: number[] } = {},
  ): Promise<HttpResponse<FortiEnvelope<R> | undefined>> {
    return this.ctx.http.request<FortiEnvelope<R> | undefined>({
      method,
      path,
      query: { vdom: this.settings.vdom },
      json: options.json,
      expect: options.expect,
      headers: { authorization: `Bearer ${this.token}` },
      signal: this.ctx.signal,
      parseError: fortigateParseError,
    });
  }
}

export function cmdbPath(table: AddressTable | GroupTable, mkey?: string): string {
  return `/api/v2/cmdb/firewall/${table}${mkey === undefined ? '' : `/${encodeURIComponent(mkey)}`}`;
}
