import {
  RecordingFakeServer,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import {
  DEFAULT_AGENTS,
  NETWORK_STATUSES,
  S1AgentStore,
  type S1AgentRecord,
  type S1FakeAgentInput,
} from './agents';

export type { S1AgentRecord, S1FakeAgentInput } from './agents';

export interface S1FakeOptions {
  apiToken?: string;
  /** Replaces the default agents (see README). */
  agents?: S1FakeAgentInput[];
  /**
   * Whether `computerName=` ignores case. Third-party notes say it does; it is not documented, so
   * tests can turn it off to exercise the adapter's fallback.
   */
  computerNameIgnoresCase?: boolean;
  /** Clock for agent timestamps. */
  now?: () => number;
}

export const S1_FAKE_API_TOKEN = 'fake-sentinelone-api-token';
const API = '/web/api/v2.1';
/** Query parameters GET /agents understands in the fake; anything else is a 400, as a typo should be. */
const AGENT_PARAMS = [
  'computerName',
  'computerName__contains',
  'ids',
  'uuid',
  'uuids',
  'isActive',
  'networkStatuses',
  'osTypes',
  'siteIds',
  'groupIds',
  'accountIds',
  'limit',
  'skip',
  'cursor',
  'countOnly',
  'sortBy',
  'sortOrder',
];
/** Filter keys the agent actions accept in `filter`. */
const ACTION_FILTERS = [
  'ids',
  'uuids',
  'computerName',
  'computerName__contains',
  'groupIds',
  'siteIds',
  'accountIds',
];

type Filter = Record<string, string | string[] | undefined>;

/**
 * A local SentinelOne management console speaking the documented API v2.1: ApiToken auth, agents
 * with their filters and cursor paging, disconnect / connect with `affected` counts and the
 * networkStatus life, SentinelOne's error envelope. See README.md for the routes and controls.
 */
export class SentinelOneFake extends RecordingFakeServer {
  readonly agents: S1AgentStore;
  private readonly apiToken: string;
  private readonly ignoreCase: boolean;

  constructor(options: S1FakeOptions = {}) {
    super();
    this.apiToken = options.apiToken ?? S1_FAKE_API_TOKEN;
    this.ignoreCase = options.computerNameIgnoresCase ?? true;
    this.agents = new S1AgentStore(options.agents ?? DEFAULT_AGENTS, options.now ?? Date.now);

    this.route(
      'GET',
      `${API}/agents`,
      this.authed((req) => this.listAgents(req)),
    );
    this.route(
      'GET',
      `${API}/agents/count`,
      this.authed((req) => this.countAgents(req)),
    );
    this.route(
      'POST',
      `${API}/agents/actions/disconnect`,
      this.authed((req) => this.networkAction(req, 'disconnect')),
    );
    this.route(
      'POST',
      `${API}/agents/actions/connect`,
      this.authed((req) => this.networkAction(req, 'connect')),
    );
    this.route('GET', '/__agents', () => ({ status: 200, body: { data: this.agents.all() } }));
    this.route('POST', '/__agents', (req) => {
      const inputs = (Array.isArray(req.body) ? req.body : [req.body]) as S1FakeAgentInput[];
      try {
        return { status: 201, body: { data: inputs.map((a) => this.agents.add(a)) } };
      } catch (err) {
        return s1Error(400, 4000010, 'Validation Error', (err as Error).message);
      }
    });
  }

  /** Adds an agent at run time (the HTTP twin is `POST /__agents`). */
  addAgent(input: S1FakeAgentInput): S1AgentRecord {
    return this.agents.add(input);
  }

  agentNamed(computerName: string): S1AgentRecord | undefined {
    return this.agents.all().find((a) => a.computerName === computerName);
  }

  /** The next `times` matching calls get the fake's 429 (see `rateLimitFault`). */
  rateLimitNext(
    options: { times?: number; retryAfterSeconds?: number; match?: FaultSpec['match'] } = {},
  ): void {
    const fault = { ...this.rateLimitFault(options.retryAfterSeconds ?? 1), match: options.match };
    this.injectFaults(Array.from({ length: options.times ?? 1 }, () => ({ ...fault })));
  }

  /**
   * SentinelOne's throttling answer is not publicly documented: the fake sends 429 with the
   * standard `Retry-After` (seconds) and the usual error envelope.
   */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      body: envelopeError(
        4290010,
        'Too Many Requests',
        `Rate limit exceeded, retry in ${retryAfterSeconds} seconds`,
      ),
    };
  }

  private authed(handler: FakeHandler): FakeHandler {
    return (req) => {
      const token = /^ApiToken (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (token !== this.apiToken) return s1Error(401, 4010010, 'Authentication Failed', null);
      return handler(req);
    };
  }

  private listAgents(req: FakeRequest): FakeResponse {
    const unknown = [...req.query.keys()].find((k) => !AGENT_PARAMS.includes(k));
    if (unknown) return s1Error(400, 4000010, 'Validation Error', { [unknown]: ['Unknown field.'] });
    const limit = intParam(req.query.get('limit'), 10);
    if (limit === undefined || limit < 1 || limit > 1000)
      return s1Error(400, 4000010, 'Validation Error', { limit: ['Must be between 1 and 1000.'] });
    const cursor = req.query.get('cursor');
    const skip = cursor ? decodeCursor(cursor) : intParam(req.query.get('skip'), 0);
    if (skip === undefined) return s1Error(400, 4000010, 'Validation Error', { cursor: ['Invalid cursor.'] });
    const matches = this.matching(Object.fromEntries(req.query.entries()));
    if ('error' in matches) return matches.error;
    if (req.query.get('countOnly') === 'true')
      return {
        status: 200,
        body: { data: [], pagination: { totalItems: matches.length, nextCursor: null } },
      };
    const page = matches.slice(skip, skip + limit).map((a) => this.agents.read(a.id));
    const nextCursor = skip + limit < matches.length ? encodeCursor(skip + limit) : null;
    return { status: 200, body: { data: page, pagination: { totalItems: matches.length, nextCursor } } };
  }

  private countAgents(req: FakeRequest): FakeResponse {
    const matches = this.matching(Object.fromEntries(req.query.entries()));
    if ('error' in matches) return matches.error;
    return { status: 200, body: { data: { total: matches.length } } };
  }

  private networkAction(req: FakeRequest, action: 'disconnect' | 'connect'): FakeResponse {
    const body = req.body as { filter?: unknown; data?: unknown } | undefined;
    const filter = body?.filter;
    if (!filter || typeof filter !== 'object' || Array.isArray(filter))
      return s1Error(400, 4000010, 'Validation Error', { filter: ['Missing data for required field.'] });
    const keys = Object.keys(filter);
    const unknown = keys.find((k) => !ACTION_FILTERS.includes(k));
    if (unknown)
      return s1Error(400, 4000010, 'Validation Error', { [`filter.${unknown}`]: ['Unknown field.'] });
    // An empty filter would address every agent in scope; the fake refuses rather than guess.
    if (!keys.length)
      return s1Error(400, 4000010, 'Validation Error', { filter: ['At least one filter is required.'] });
    const matches = this.matching(filter as Filter);
    if ('error' in matches) return matches.error;
    for (const agent of matches) {
      if (this.agents.act(agent.id, action))
        this.recordEffect(action === 'disconnect' ? 'edr.isolate_host' : 'edr.release_host', agent.id);
    }
    return { status: 200, body: { data: { affected: matches.length } } };
  }

  /** Agents matching SentinelOne-style filters; list values may be arrays or comma-separated strings. */
  private matching(filter: Filter): S1AgentRecord[] | { error: FakeResponse } {
    const list = (key: string) => {
      const value = filter[key];
      if (value === undefined) return undefined;
      return (Array.isArray(value) ? value : String(value).split(','))
        .map((v) => String(v).trim())
        .filter(Boolean);
    };
    const statuses = list('networkStatuses');
    const badStatus = statuses?.find((s) => !NETWORK_STATUSES.includes(s as never));
    if (badStatus)
      return {
        error: s1Error(400, 4000010, 'Validation Error', {
          networkStatuses: [`Invalid choice: ${badStatus}`],
        }),
      };
    const fold = (s: string) => (this.ignoreCase ? s.toLowerCase() : s);
    const name = typeof filter.computerName === 'string' ? filter.computerName : undefined;
    const contains = list('computerName__contains')?.map((c) => c.toLowerCase());
    const ids = list('ids');
    const uuids = list('uuids') ?? list('uuid');
    const osTypes = list('osTypes');
    const isActive = filter.isActive === undefined ? undefined : String(filter.isActive) === 'true';
    const sites = list('siteIds');
    const groups = list('groupIds');
    const accounts = list('accountIds');
    return this.agents
      .all()
      .filter(
        (a) =>
          (name === undefined || fold(a.computerName) === fold(name)) &&
          (!contains || contains.some((c) => a.computerName.toLowerCase().includes(c))) &&
          (!ids || ids.includes(a.id)) &&
          (!uuids || uuids.includes(a.uuid)) &&
          (!statuses || statuses.includes(a.networkStatus)) &&
          (!osTypes || osTypes.includes(a.osType)) &&
          (isActive === undefined || a.isActive === isActive) &&
          (!sites || sites.includes(a.siteId)) &&
          (!groups || groups.includes(a.groupId)) &&
          (!accounts || accounts.includes(a.accountId)),
      );
  }

  protected override errorBody(status: number, message: string): unknown {
    const titles: Record<number, [number, string]> = {
      400: [4000010, 'Validation Error'],
      401: [4010010, 'Authentication Failed'],
      403: [4030010, 'Forbidden'],
      404: [4040010, 'Not Found'],
      429: [4290010, 'Too Many Requests'],
      503: [5030010, 'Service Unavailable'],
    };
    const [code, title] = titles[status] ?? [5000010, 'Internal server error'];
    return envelopeError(
      code,
      title,
      status >= 500 && status !== 503 ? 'Server could not process the request.' : message,
    );
  }

  /** A 429 without `Retry-After` (injected over HTTP, say) gets one a second ahead. */
  protected override responseHeaders(res: FakeResponse): Record<string, string> {
    const given = Object.keys(res.headers ?? {}).some((h) => h.toLowerCase() === 'retry-after');
    return res.status === 429 && !given ? { 'Retry-After': '1' } : {};
  }
}

/** Starts nothing: call `start()` on the result. */
export function createSentinelOneFake(options: S1FakeOptions = {}): SentinelOneFake {
  return new SentinelOneFake(options);
}

function envelopeError(code: number, title: string, detail: unknown) {
  return { errors: [{ code, detail, title }] };
}

function s1Error(status: number, code: number, title: string, detail: unknown): FakeResponse {
  return { status, body: envelopeError(code, title, detail) };
}

function intParam(raw: string | null, fallback: number): number | undefined {
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** Opaque to clients, as SentinelOne's cursors are; the fake keeps the offset inside. */
function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  try {
    const offset = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown })
      .offset;
    return typeof offset === 'number' && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}
