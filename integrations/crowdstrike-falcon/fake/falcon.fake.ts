import { randomBytes, randomUUID } from 'node:crypto';
import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import {
  DEFAULT_DEVICES,
  FalconDeviceStore,
  type FalconDeviceRecord,
  type FalconFakeDeviceInput,
} from './devices';
import { FqlError, parseFql } from './fql';

export type { FalconDeviceRecord, FalconFakeDeviceInput } from './devices';

export interface FalconFakeOptions {
  clientId?: string;
  clientSecret?: string;
  /** Replaces the default devices (WS-01, WS-FIN-07, SRV-DB-02, MBP-DES-03, WS-LAB-09 contained). */
  devices?: FalconFakeDeviceInput[];
  /** Token lifetime; Falcon's is 1799 s. Make it short to exercise expiry. */
  tokenTtlSeconds?: number;
  /** Clock for token expiry and rate-limit headers. */
  now?: () => number;
}

export const FALCON_FAKE_CLIENT_ID = 'fake-falcon-client-id';
export const FALCON_FAKE_CLIENT_SECRET = 'fake-falcon-client-secret';
const RATE_LIMIT = 6000;
const DEVICE_ACTIONS = [
  'contain',
  'lift_containment',
  'hide_host',
  'unhide_host',
  'detection_suppress',
  'detection_unsuppress',
];

/**
 * A local CrowdStrike Falcon speaking the documented API: OAuth2 tokens, the standard envelope,
 * device queries in (a subset of) FQL, device details, and containment with its pending states.
 * See README.md for the routes, the fake-only controls and how to inject a 429.
 */
export class FalconFake extends RecordingFakeServer {
  readonly devices: FalconDeviceStore;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly tokenTtlSeconds: number;
  private readonly now: () => number;
  private readonly tokens = new Map<string, number>();
  private readonly recent: number[] = [];

  constructor(options: FalconFakeOptions = {}) {
    super();
    this.clientId = options.clientId ?? FALCON_FAKE_CLIENT_ID;
    this.clientSecret = options.clientSecret ?? FALCON_FAKE_CLIENT_SECRET;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 1799;
    this.now = options.now ?? Date.now;
    this.devices = new FalconDeviceStore(options.devices ?? DEFAULT_DEVICES);

    this.route('POST', '/oauth2/token', (req) => this.issueToken(req));
    this.route('POST', '/oauth2/revoke', (req) => {
      this.tokens.delete(formField(req, 'token') ?? '');
      return { status: 200, body: envelope([]) };
    });
    this.route(
      'GET',
      '/devices/queries/devices/v1',
      this.authed((req) => this.queryDevices(req)),
    );
    this.route(
      'GET',
      '/devices/entities/devices/v2',
      this.authed((req) => this.deviceDetails(idsFromQuery(req))),
    );
    this.route(
      'POST',
      '/devices/entities/devices/v2',
      this.authed((req) => this.deviceDetails(idsFromBody(req))),
    );
    this.route(
      'POST',
      '/devices/entities/devices-actions/v2',
      this.authed((req) => this.deviceAction(req)),
    );
    this.route('GET', '/__devices', () => ({ status: 200, body: envelope(this.devices.all()) }));
    this.route('POST', '/__devices', (req) => {
      const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as FalconFakeDeviceInput[];
      try {
        return { status: 201, body: envelope(inputs.map((d) => this.devices.add(d))) };
      } catch (err) {
        return error(400, (err as Error).message);
      }
    });
  }

  /** Adds a device at run time (the HTTP twin is `POST /__devices`). */
  addDevice(input: FalconFakeDeviceInput): FalconDeviceRecord {
    return this.devices.add(input);
  }

  /** The next `times` matching calls get Falcon's 429 (see `rateLimitFault`). */
  rateLimitNext(
    options: { times?: number; retryAfterSeconds?: number; match?: FaultSpec['match'] } = {},
  ): void {
    const fault = { ...this.rateLimitFault(options.retryAfterSeconds ?? 1), match: options.match };
    this.injectFaults(Array.from({ length: options.times ?? 1 }, () => ({ ...fault })));
  }

  /** Falcon's 429 says when to come back as an epoch time in `X-Ratelimit-Retryafter`. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    const at = Math.ceil(this.now() / 1000) + retryAfterSeconds;
    return {
      status: 429,
      headers: { 'X-Ratelimit-Retryafter': String(at) },
      body: envelope([], { errors: [{ code: 429, message: 'API rate limit exceeded.' }] }),
    };
  }

  override expireTokens(): void {
    this.tokens.clear();
  }

  private issueToken(req: FakeRequest): FakeResponse {
    if (
      formField(req, 'client_id') !== this.clientId ||
      formField(req, 'client_secret') !== this.clientSecret
    ) {
      return error(403, 'Failed to issue access token - Client authentication failed');
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.now() + this.tokenTtlSeconds * 1000);
    return {
      status: 201,
      body: { access_token: token, token_type: 'bearer', expires_in: this.tokenTtlSeconds },
    };
  }

  private authed(handler: FakeHandler): FakeHandler {
    return (req) => {
      const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const expiresAt = token ? this.tokens.get(token) : undefined;
      if (expiresAt === undefined || expiresAt <= this.now())
        return error(401, 'access denied, invalid bearer token');
      return handler(req);
    };
  }

  private queryDevices(req: FakeRequest): FakeResponse {
    const limit = intParam(req, 'limit', 100);
    const offset = intParam(req, 'offset', 0);
    if (limit === undefined || limit < 1 || limit > 5000)
      return error(400, 'limit must be between 1 and 5000');
    if (offset === undefined || offset < 0) return error(400, 'offset must be a non-negative integer');
    let matches: FalconDeviceRecord[];
    try {
      const predicate = parseFql(req.query.get('filter') ?? '');
      matches = this.devices.all().filter((d) => predicate(d as unknown as Record<string, unknown>));
    } catch (err) {
      if (err instanceof FqlError) return error(400, `Invalid filter: ${err.message}`);
      throw err;
    }
    const page = matches.slice(offset, offset + limit).map((d) => d.device_id);
    return { status: 200, body: envelope(page, { pagination: { offset, limit, total: matches.length } }) };
  }

  private deviceDetails(ids: string[]): FakeResponse {
    if (!ids.length) return error(400, 'ids is required');
    const found = ids.map((id) => this.devices.read(id)).filter((d): d is FalconDeviceRecord => !!d);
    const missing = ids.filter((id) => !this.devices.peek(id));
    const errors = missing.map((id) => ({ code: 404, message: `Device not found: ${id}` }));
    return { status: found.length ? 200 : 404, body: envelope(found, { errors }) };
  }

  private deviceAction(req: FakeRequest): FakeResponse {
    const action = req.query.get('action_name') ?? '';
    if (!DEVICE_ACTIONS.includes(action)) return error(400, `invalid action_name "${action}"`);
    const ids = idsFromBody(req);
    if (!ids.length) return error(400, 'body must be {"ids": ["<device id>", ...]}');
    const known = ids.filter((id) => this.devices.peek(id));
    const errors = ids
      .filter((id) => !known.includes(id))
      .map((id) => ({ code: 404, message: `Device not found: ${id}` }));
    for (const id of known) {
      if (action !== 'contain' && action !== 'lift_containment') continue;
      if (this.devices.act(id, action))
        this.recordEffect(action === 'contain' ? 'edr.isolate_host' : 'edr.release_host', id);
    }
    const resources = known.map((id) => ({ id, path: `/devices/entities/devices/v2?ids=${id}` }));
    return { status: known.length ? 202 : 404, body: envelope(resources, { errors }) };
  }

  protected override errorBody(status: number, message: string): unknown {
    return envelope([], { errors: [{ code: status, message }] });
  }

  /** X-Ratelimit-* on every response; a 429 without X-Ratelimit-Retryafter gets one a second ahead. */
  protected override responseHeaders(res: FakeResponse): Record<string, string> {
    const now = this.now();
    this.recent.push(now);
    while (this.recent.length && this.recent[0] <= now - 60_000) this.recent.shift();
    const headers: Record<string, string> = {
      'X-Ratelimit-Limit': String(RATE_LIMIT),
      'X-Ratelimit-Remaining': String(res.status === 429 ? 0 : Math.max(0, RATE_LIMIT - this.recent.length)),
    };
    const given = Object.keys(res.headers ?? {}).some((h) => h.toLowerCase() === 'x-ratelimit-retryafter');
    if (res.status === 429 && !given) headers['X-Ratelimit-Retryafter'] = String(Math.ceil(now / 1000) + 1);
    return headers;
  }
}

/** Starts nothing: call `start()` on the result. */
export function createFalconFake(options: FalconFakeOptions = {}): FalconFake {
  return new FalconFake(options);
}

function envelope(
  resources: unknown[],
  extra: { errors?: Array<{ code: number; message: string }>; pagination?: Record<string, number> } = {},
) {
  return {
    meta: {
      query_time: 0.004,
      powered_by: 'cordon-falcon-fake',
      trace_id: randomUUID(),
      ...(extra.pagination ? { pagination: extra.pagination } : {}),
    },
    resources,
    errors: extra.errors ?? [],
  };
}

function error(status: number, message: string): FakeResponse {
  return { status, body: envelope([], { errors: [{ code: status, message }] }) };
}

function formField(req: FakeRequest, name: string): string | undefined {
  const body = req.body;
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function intParam(req: FakeRequest, name: string, fallback: number): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** `ids=a&ids=b` and `ids=a,b` both work, as clients send either. */
function idsFromQuery(req: FakeRequest): string[] {
  return req.query
    .getAll('ids')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function idsFromBody(req: FakeRequest): string[] {
  const ids = (req.body as { ids?: unknown } | undefined)?.ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && !!id) : [];
}
