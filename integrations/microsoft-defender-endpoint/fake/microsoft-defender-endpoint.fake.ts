import { randomUUID } from 'node:crypto';
import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import {
  DEFAULT_MACHINES,
  MdeMachineStore,
  type ActionRequest,
  type MdeFakeMachineInput,
  type MdeMachineRecord,
} from './machines';
import { EntraTokenIssuer } from './entra';
import { ODataError, parseODataFilter } from './odata';

export type { MdeFakeMachineInput, MdeMachineActionRecord, MdeMachineRecord } from './machines';
export { EICAR_SHA1 } from './machines';

export interface MdeFakeOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Replaces the default machines (see README). */
  machines?: MdeFakeMachineInput[];
  /** Token lifetime; Entra's is about 3599 s. Make it short to exercise expiry. */
  tokenTtlSeconds?: number;
  /** Clock for token expiry and timestamps. */
  now?: () => number;
}

export const MDE_FAKE_TENANT_ID = '8a3b1c2d-0f00-4e6b-9c7a-000000000001';
export const MDE_FAKE_CLIENT_ID = '5f0e2a71-6c1d-4b8e-a0f2-00000000c0de';
export const MDE_FAKE_CLIENT_SECRET = 'fake-mde-client-secret';

const MACHINE_FILTERS = [
  'computerDnsName',
  'id',
  'version',
  'deviceValue',
  'aadDeviceId',
  'machineTags',
  'lastSeen',
  'exposureLevel',
  'onboardingStatus',
  'lastIpAddress',
  'healthStatus',
  'osPlatform',
  'riskScore',
  'rbacGroupId',
];
const ACTION_FILTERS = ['id', 'status', 'machineId', 'type', 'requestor', 'creationDateTimeUtc'];
const MAX_TOP = 10_000;
const ERROR_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/**
 * A local Microsoft Defender for Endpoint speaking the documented API, plus the Entra token
 * endpoint it needs: machines with OData filters, machine actions with their Pending →
 * InProgress → Succeeded life, isolation, release, stop-and-quarantine, Defender's error shapes.
 * See README.md for the routes, the fake-only controls and how to inject a 429.
 */
export class MdeFake extends RecordingFakeServer {
  readonly store: MdeMachineStore;
  private readonly entra: EntraTokenIssuer;

  constructor(options: MdeFakeOptions = {}) {
    super();
    const now = options.now ?? Date.now;
    this.entra = new EntraTokenIssuer({
      tenantId: options.tenantId ?? MDE_FAKE_TENANT_ID,
      clientId: options.clientId ?? MDE_FAKE_CLIENT_ID,
      clientSecret: options.clientSecret ?? MDE_FAKE_CLIENT_SECRET,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3599,
      now,
    });
    this.store = new MdeMachineStore(options.machines ?? DEFAULT_MACHINES, now);

    this.route('POST', '/:tenant/oauth2/v2.0/token', (req) => this.entra.issue(req, 'v2'));
    this.route('POST', '/:tenant/oauth2/token', (req) => this.entra.issue(req, 'v1'));
    this.route(
      'GET',
      '/api/machines',
      this.authed((req) => this.listMachines(req)),
    );
    this.route(
      'GET',
      '/api/machines/:id',
      this.authed((req) => this.getMachine(req.params.id ?? '')),
    );
    this.route(
      'POST',
      '/api/machines/:id/isolate',
      this.authed((req, appId) => this.machineAction(req, 'Isolate', appId)),
    );
    this.route(
      'POST',
      '/api/machines/:id/unisolate',
      this.authed((req, appId) => this.machineAction(req, 'Unisolate', appId)),
    );
    this.route(
      'POST',
      '/api/machines/:id/StopAndQuarantineFile',
      this.authed((req, appId) => this.machineAction(req, 'StopAndQuarantineFile', appId)),
    );
    this.route(
      'GET',
      '/api/machineactions',
      this.authed((req) => this.listActions(req)),
    );
    this.route(
      'GET',
      '/api/machineactions/:id',
      this.authed((req) => this.getAction(req.params.id ?? '')),
    );
    this.route(
      'POST',
      '/api/machineactions/:id/cancel',
      this.authed((req, appId) => this.cancelAction(req, appId)),
    );
    this.route('GET', '/__machines', () => ({
      status: 200,
      body: this.store.allMachines().map((m) => ({ ...m, fake: this.store.state(m.id) })),
    }));
    this.route('POST', '/__machines', (req) => {
      const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as MdeFakeMachineInput[];
      try {
        return { status: 201, body: { value: inputs.map((m) => this.store.add(m)) } };
      } catch (err) {
        return mdeError(400, 'InvalidInput', (err as Error).message);
      }
    });
  }

  /** Adds a machine at run time (the HTTP twin is `POST /__machines`). */
  addMachine(input: MdeFakeMachineInput): MdeMachineRecord {
    return this.store.add(input);
  }

  /** The machine with this computerDnsName (the newest record when there are several). */
  machineNamed(computerDnsName: string): MdeMachineRecord | undefined {
    return this.store
      .allMachines()
      .filter((m) => m.computerDnsName === computerDnsName)
      .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))[0];
  }

  /** The next `times` matching calls get Defender's 429 (see `rateLimitFault`). */
  rateLimitNext(
    options: { times?: number; retryAfterSeconds?: number; match?: FaultSpec['match'] } = {},
  ): void {
    const fault = { ...this.rateLimitFault(options.retryAfterSeconds ?? 1), match: options.match };
    this.injectFaults(Array.from({ length: options.times ?? 1 }, () => ({ ...fault })));
  }

  /** Defender throttles with 429, `Retry-After` in seconds and a TooManyRequests error body. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      body: errorBody(
        'TooManyRequests',
        `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.`,
      ),
    };
  }

  override expireTokens(): void {
    this.entra.expireAll();
  }

  private authed(handler: (req: FakeRequest, appId: string) => FakeResponse): FakeHandler {
    return (req) => {
      const appId = this.entra.verify(req.headers.authorization);
      if (!appId) return mdeError(401, 'Unauthorized', 'Authorization has been denied for this request.');
      return handler(req, appId);
    };
  }

  private listMachines(req: FakeRequest): FakeResponse {
    const page = this.page(req);
    if ('error' in page) return page.error;
    let matches: MdeMachineRecord[];
    try {
      const predicate = parseODataFilter(req.query.get('$filter') ?? '', MACHINE_FILTERS);
      matches = this.store.allMachines().filter((m) => predicate(m as unknown as Record<string, unknown>));
    } catch (err) {
      if (err instanceof ODataError)
        return mdeError(400, 'ODataError', `Invalid filter clause: ${err.message}`);
      throw err;
    }
    // Defender's documented answer when it holds no recent machines at all.
    if (!this.store.allMachines().length) return mdeError(404, 'ResourceNotFound', 'No machines found');
    return this.list('Machines', matches.slice(page.skip, page.skip + page.top));
  }

  private getMachine(id: string): FakeResponse {
    const machine = this.store.machine(id);
    if (!machine) return mdeError(404, 'ResourceNotFound', `Machine ${id} was not found`);
    return {
      status: 200,
      body: { '@odata.context': `${this.url}/api/$metadata#Machines/$entity`, ...machine },
    };
  }

  private machineAction(req: FakeRequest, type: ActionRequest['type'], appId: string): FakeResponse {
    const id = req.params.id ?? '';
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return mdeError(400, 'InvalidRequestBody', 'Request body is incorrect');
    const fields = body as Record<string, unknown>;
    const allowed =
      type === 'Isolate'
        ? ['Comment', 'IsolationType']
        : type === 'Unisolate'
          ? ['Comment']
          : ['Comment', 'Sha1'];
    const unknown = Object.keys(fields).find((k) => !allowed.includes(k));
    // Parameter names are case-sensitive at Defender: "comment" is not "Comment".
    if (unknown)
      return mdeError(400, 'InvalidRequestBody', `Request body is incorrect: unknown parameter '${unknown}'`);
    const comment = fields.Comment;
    if (typeof comment !== 'string' || !comment.trim())
      return mdeError(400, 'MissingRequiredParameter', 'Comment is a required parameter');
    let request: ActionRequest;
    if (type === 'StopAndQuarantineFile') {
      const sha1 = fields.Sha1;
      if (typeof sha1 !== 'string')
        return mdeError(400, 'MissingRequiredParameter', 'Sha1 is a required parameter');
      if (!/^[0-9a-fA-F]{40}$/.test(sha1))
        return mdeError(400, 'InvalidHashValue', `'${sha1}' is not a valid Sha1 value`);
      request = { type, comment, sha1: sha1.toLowerCase() };
    } else if (type === 'Isolate') {
      const isolationType = fields.IsolationType ?? 'Full';
      request = { type, comment, isolationType: typeof isolationType === 'string' ? isolationType : '' };
    } else {
      request = { type, comment };
    }
    if (!this.store.machine(id)) return mdeError(404, 'ResourceNotFound', `Machine ${id} was not found`);
    const outcome = this.store.request(id, request, appId);
    if ('refused' in outcome) {
      switch (outcome.refused) {
        case 'busy':
          return mdeError(400, 'ActiveRequestAlreadyExists', 'Action is already in progress');
        case 'platform':
          return mdeError(
            400,
            'OsPlatformNotSupported',
            'The machine OS platform does not support this action',
          );
        case 'isolation-type':
          return mdeError(400, 'InvalidInput', 'IsolationType must be Full, Selective or UnManagedDevice');
      }
    }
    const capability =
      type === 'Isolate'
        ? 'edr.isolate_host'
        : type === 'Unisolate'
          ? 'edr.release_host'
          : 'edr.quarantine_file';
    this.recordEffect(capability, id);
    return {
      status: 201,
      body: { '@odata.context': `${this.url}/api/$metadata#MachineActions/$entity`, ...outcome.action },
    };
  }

  private listActions(req: FakeRequest): FakeResponse {
    const page = this.page(req);
    if ('error' in page) return page.error;
    try {
      const predicate = parseODataFilter(req.query.get('$filter') ?? '', ACTION_FILTERS);
      const matches = this.store
        .allActions()
        .filter((a) => predicate(a as unknown as Record<string, unknown>));
      const value = matches.slice(page.skip, page.skip + page.top).map((a) => this.store.readAction(a.id));
      return this.list('MachineActions', value);
    } catch (err) {
      if (err instanceof ODataError)
        return mdeError(400, 'ODataError', `Invalid filter clause: ${err.message}`);
      throw err;
    }
  }

  private getAction(id: string): FakeResponse {
    const action = this.store.readAction(id);
    if (!action) return mdeError(404, 'ResourceNotFound', `MachineAction ${id} was not found`);
    return {
      status: 200,
      body: { '@odata.context': `${this.url}/api/$metadata#MachineActions/$entity`, ...action },
    };
  }

  private cancelAction(req: FakeRequest, appId: string): FakeResponse {
    const id = req.params.id ?? '';
    const comment = (req.body as { Comment?: unknown } | undefined)?.Comment;
    if (typeof comment !== 'string' || !comment.trim())
      return mdeError(400, 'MissingRequiredParameter', 'Comment is a required parameter');
    if (!this.store.peekAction(id))
      return mdeError(404, 'ResourceNotFound', `MachineAction ${id} was not found`);
    const cancelled = this.store.cancel(id, appId, comment);
    if (!cancelled) return mdeError(400, 'BadRequest', `MachineAction ${id} has already completed`);
    return {
      status: 200,
      body: { '@odata.context': `${this.url}/api/$metadata#MachineActions/$entity`, ...cancelled },
    };
  }

  private page(req: FakeRequest): { top: number; skip: number } | { error: FakeResponse } {
    const top = intParam(req, '$top', MAX_TOP);
    const skip = intParam(req, '$skip', 0);
    if (top === undefined || top < 0 || top > MAX_TOP)
      return { error: mdeError(400, 'ODataError', `$top must be between 0 and ${MAX_TOP}`) };
    if (skip === undefined)
      return { error: mdeError(400, 'ODataError', '$skip must be a non-negative integer') };
    return { top, skip };
  }

  private list(entitySet: string, value: unknown[]): FakeResponse {
    return { status: 200, body: { '@odata.context': `${this.url}/api/$metadata#${entitySet}`, value } };
  }

  protected override errorBody(status: number, message: string): unknown {
    return errorBody(ERROR_CODES[status] ?? 'InternalServerError', message);
  }

  /** A 429 without `Retry-After` (injected over HTTP, say) gets one a second ahead. */
  protected override responseHeaders(res: FakeResponse): Record<string, string> {
    const given = Object.keys(res.headers ?? {}).some((h) => h.toLowerCase() === 'retry-after');
    return res.status === 429 && !given ? { 'Retry-After': '1' } : {};
  }
}

/** Starts nothing: call `start()` on the result. */
export function createMdeFake(options: MdeFakeOptions = {}): MdeFake {
  return new MdeFake(options);
}

function errorBody(code: string, message: string) {
  return { error: { code, message, target: randomUUID() } };
}

function mdeError(status: number, code: string, message: string): FakeResponse {
  return { status, body: errorBody(code, message) };
}

function intParam(req: FakeRequest, name: string, fallback: number): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}
