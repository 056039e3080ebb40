import {
  RecordingFakeServer,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';
import { child, escapeXml, toXml, el, textAt } from '../panos-xml';
import {
  badRequest,
  errorXml,
  formatTime,
  INVALID_CREDENTIAL,
  jobXml,
  ok,
  parseCommand,
  parseElement,
  requestParams,
  successXml,
  SYSTEM_INFO,
  type CommitJob,
} from './panos-answers';
import {
  cloneVsys,
  deleteNode,
  emptyVsys,
  PanosConfigError,
  parseXpath,
  renderNode,
  setNode,
  validate,
  vsysJson,
  type VsysConfig,
} from './panos-config';

export interface PanosFakeSeed {
  addresses?: Array<{
    vsys?: string;
    name: string;
    'ip-netmask'?: string;
    fqdn?: string;
    description?: string;
  }>;
  groups?: Array<{ vsys?: string; name: string; members: string[] }>;
}

export interface PanosFakeOptions {
  /** The key the fake accepts (X-PAN-KEY header or key= parameter). */
  apiKey?: string;
  /** Credentials `type=keygen` accepts; it answers with `apiKey`. */
  user?: string;
  password?: string;
  /** Virtual systems that exist; default ['vsys1']. */
  vsys?: string[];
  /**
   * Replaces the default seed: in vsys1 the static group `cordon-blocklist` holding the
   * `cordon-placeholder` object (PAN-OS refuses to commit an empty static group).
   */
  seed?: PanosFakeSeed;
  /** Commit job polls answered ACT before FIN; default 1. `Infinity` keeps jobs running. */
  jobPollsUntilDone?: number;
  now?: () => number;
}

export const PANOS_FAKE_API_KEY = 'LUFRPT1mYWtlLXBhbm9zLWtleQ==';
const DEVICE = 'localhost.localdomain';
const XML = 'application/xml; charset=UTF-8';

const DEFAULT_SEED: PanosFakeSeed = {
  addresses: [
    {
      name: 'cordon-placeholder',
      'ip-netmask': '192.0.2.255/32',
      description: 'Keeps the Cordon block group non-empty; matches no real host (RFC 5737)',
    },
  ],
  groups: [{ name: 'cordon-blocklist', members: ['cordon-placeholder'] }],
};

/**
 * A local PAN-OS firewall speaking the XML API at `/api/`: keygen, API-key auth, `type=config`
 * get (candidate) / show (running) / set / delete on address objects and address groups,
 * `type=commit` with a job that runs ACT → FIN (OK or FAIL after validation), `type=op` for
 * `show jobs id` and `show system info`. Answers are `<response status=… code=…>` XML; errors
 * come with HTTP 200 except auth (403) and malformed requests (400), as on the device.
 */
export class PanosFake extends RecordingFakeServer {
  private readonly apiKey: string;
  private readonly user: string;
  private readonly password: string;
  private readonly jobPollsUntilDone: number;
  private readonly now: () => number;
  private candidate = new Map<string, VsysConfig>();
  private running = new Map<string, VsysConfig>();
  private readonly jobs = new Map<number, CommitJob>();
  private nextJobId = 271;
  private failNext: string[] | undefined;

  constructor(options: PanosFakeOptions = {}) {
    super();
    this.apiKey = options.apiKey ?? PANOS_FAKE_API_KEY;
    this.user = options.user ?? 'cordon-api';
    this.password = options.password ?? 'fake-panos-password';
    this.jobPollsUntilDone = options.jobPollsUntilDone ?? 1;
    this.now = options.now ?? Date.now;
    for (const vsys of options.vsys ?? ['vsys1']) this.candidate.set(vsys, emptyVsys());
    this.seed(options.seed ?? DEFAULT_SEED);
    this.running = this.copy(this.candidate);

    for (const path of ['/api', '/api/']) {
      this.route('GET', path, (req) => this.handleApi(req));
      this.route('POST', path, (req) => this.handleApi(req));
    }
    this.route('GET', '/__config', () => ({
      status: 200,
      body: { running: this.json(this.running), candidate: this.json(this.candidate) },
    }));
  }

  /** The next commit job ends FAIL with these details and leaves the running config alone. */
  failNextCommit(details: string[] = ['Validation Error:', 'injected failure', 'Commit failed']): void {
    this.failNext = details;
  }

  /** Members of a group in the running (`running`) or candidate config. */
  groupMembers(name: string, which: 'running' | 'candidate' = 'running', vsys = 'vsys1'): string[] {
    const config = (which === 'running' ? this.running : this.candidate).get(vsys);
    return [...(config?.groups.get(name)?.members ?? [])];
  }

  /** PAN-OS publishes no API rate limit; its management web server sheds load with 503 + Retry-After. */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 503,
      headers: { 'Retry-After': String(retryAfterSeconds), 'Content-Type': XML },
      body: errorXml(undefined, ['Service temporarily unavailable: too many concurrent API requests']),
    };
  }

  protected override errorBody(status: number, message: string): unknown {
    return errorXml(String(status), [message]);
  }

  protected override responseHeaders(res: FakeResponse): Record<string, string> {
    return typeof res.body === 'string' ? { 'Content-Type': XML } : {};
  }

  private handleApi(req: FakeRequest): FakeResponse {
    const params = requestParams(req);
    const type = params.get('type') ?? '';
    if (type === 'keygen') return this.keygen(params);
    const key = req.headers['x-pan-key'] ?? params.get('key');
    if (key !== this.apiKey) {
      return INVALID_CREDENTIAL;
    }
    try {
      switch (type) {
        case 'config':
          return this.config(params);
        case 'commit':
          return this.commit(params);
        case 'op':
          return this.op(params);
        default:
          return badRequest(`Illegal value for parameter "type" [${type}].`);
      }
    } catch (err) {
      if (err instanceof PanosConfigError) return ok(errorXml(err.code, err.lines));
      throw err;
    }
  }

  private keygen(params: URLSearchParams): FakeResponse {
    if (params.get('user') !== this.user || params.get('password') !== this.password) {
      return INVALID_CREDENTIAL;
    }
    return ok(
      `<response status = 'success'><result><key>${escapeXml(this.apiKey)}</key></result></response>`,
    );
  }

  private config(params: URLSearchParams): FakeResponse {
    const action = params.get('action') ?? '';
    const xpath = params.get('xpath');
    if (!xpath) return badRequest('Missing parameter "xpath".');
    const node = parseXpath(xpath, DEVICE);
    const store = action === 'show' ? this.running : this.candidate;
    const config = store.get(node.vsys);
    switch (action) {
      case 'get':
      case 'show': {
        const found =
          config && renderNode(config, node, action === 'get' ? this.dirtyMark(node.vsys) : undefined);
        if (!found) {
          // get answers "success, nothing there"; show calls it an error. Both say code 7.
          return ok(
            action === 'get'
              ? '<response status="success" code="7"><result/></response>'
              : errorXml('7', ['No such node']),
          );
        }
        const attrs: Record<string, string> = action === 'get' ? { 'total-count': '1', count: '1' } : {};
        return ok(`<response status="success" code="19">${toXml(el('result', attrs, [found]))}</response>`);
      }
      case 'set': {
        if (!config) throw new PanosConfigError('7', [`vsys ${node.vsys} does not exist`]);
        const element = params.get('element');
        if (element === null) return badRequest('Missing parameter "element".');
        setNode(config, node, parseElement(element));
        return ok(successXml('20', 'command succeeded'));
      }
      case 'delete':
        if (!config) throw new PanosConfigError('7', ['Object not present']);
        deleteNode(config, node);
        return ok(successXml('20', 'command succeeded'));
      default:
        return badRequest(`Illegal value for parameter "action" [${action}].`);
    }
  }

  private commit(params: URLSearchParams): FakeResponse {
    const cmd = parseCommand(params.get('cmd'));
    if (cmd?.name !== 'commit') return badRequest('Malformed commit command.');
    if (this.same(this.candidate, this.running))
      return ok(successXml('19', 'There are no changes to commit.'));
    const id = this.nextJobId++;
    const failure = this.failNext;
    this.failNext = undefined;
    const problems = [...this.candidate].flatMap(([vsys, config]) => validate(vsys, config));
    const ok_ = !failure && !problems.length;
    if (ok_) this.apply();
    this.jobs.set(id, {
      id,
      enqueuedAt: new Date(this.now()),
      polls: 0,
      ok: ok_,
      details:
        failure ??
        (problems.length
          ? ['Validation Error:', ...problems, 'Commit failed']
          : ['Configuration committed successfully']),
      description: textAt(cmd, 'description') ?? '',
      user: this.user,
    });
    return ok(
      `<response status="success" code="19"><result><msg><line>Commit job enqueued with jobid ${id}</line></msg><job>${id}</job></result></response>`,
    );
  }

  private op(params: URLSearchParams): FakeResponse {
    const cmd = parseCommand(params.get('cmd'));
    const jobId = textAt(cmd, 'jobs', 'id');
    if (cmd?.name === 'show' && jobId !== undefined) return ok(this.showJob(Number(jobId)));
    if (cmd?.name === 'show' && child(child(cmd, 'system'), 'info')) {
      return ok(SYSTEM_INFO);
    }
    const text = cmd ? toXml(cmd) : String(params.get('cmd'));
    return ok(errorXml('17', [`${text} is unexpected (the fake knows show jobs id and show system info)`]));
  }

  private showJob(id: number): string {
    const job = this.jobs.get(id);
    if (!job) return errorXml(undefined, [`job ${id} not found`]);
    job.polls++;
    return jobXml(job, job.polls > this.jobPollsUntilDone, new Date(this.now()));
  }

  /** Makes the candidate the running config and records the block-group changes it made. */
  private apply(): void {
    const before = this.running;
    this.running = this.copy(this.candidate);
    for (const [vsys, after] of this.running) {
      const old = before.get(vsys) ?? emptyVsys();
      for (const group of new Set([...old.groups.keys(), ...after.groups.keys()])) {
        const was = old.groups.get(group)?.members ?? [];
        const now = after.groups.get(group)?.members ?? [];
        for (const m of now.filter((x) => !was.includes(x))) this.effect('block', after, m);
        for (const m of was.filter((x) => !now.includes(x))) this.effect('unblock', old, m);
      }
    }
  }

  private effect(verb: 'block' | 'unblock', config: VsysConfig, member: string): void {
    const address = config.addresses.get(member);
    if (!address) return;
    if (address.type === 'fqdn') this.recordEffect(`firewall.${verb}_domain`, address.value);
    else this.recordEffect(`firewall.${verb}_ip`, address.value.replace(/\/(32|128)$/, ''));
  }

  /** On `get`, PAN-OS marks uncommitted members with admin/dirtyId/time attributes. */
  private dirtyMark(vsys: string): (group: string, member: string) => Record<string, string> {
    return (group, member): Record<string, string> =>
      this.running.get(vsys)?.groups.get(group)?.members.includes(member)
        ? {}
        : { admin: this.user, dirtyId: '1', time: formatTime(new Date(this.now())) };
  }

  private seed(seed: PanosFakeSeed): void {
    const vsysOf = (name = 'vsys1') => {
      const config = this.candidate.get(name);
      if (!config) throw new Error(`seed names vsys ${name}, which the fake does not have`);
      return config;
    };
    for (const a of seed.addresses ?? []) {
      const value = a['ip-netmask'] ?? a.fqdn;
      if (!value) throw new Error(`seed address ${a.name} needs ip-netmask or fqdn`);
      vsysOf(a.vsys).addresses.set(a.name, {
        name: a.name,
        type: a.fqdn ? 'fqdn' : 'ip-netmask',
        value,
        description: a.description,
      });
    }
    for (const g of seed.groups ?? [])
      vsysOf(g.vsys).groups.set(g.name, { name: g.name, members: [...g.members] });
  }

  private copy(store: Map<string, VsysConfig>): Map<string, VsysConfig> {
    return new Map([...store].map(([k, v]) => [k, cloneVsys(v)]));
  }

  private json(store: Map<string, VsysConfig>): Record<string, unknown> {
    return Object.fromEntries([...store].map(([k, v]) => [k, vsysJson(v)]));
  }

  private same(a: Map<string, VsysConfig>, b: Map<string, VsysConfig>): boolean {
    return JSON.stringify(this.json(a)) === JSON.stringify(this.json(b));
  }
}

/** Starts nothing: call `start()` on the result. */
export function createPanosFake(options: PanosFakeOptions = {}): PanosFake {
  return new PanosFake(options);
}
