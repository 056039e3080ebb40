import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeEffect, FakeVendorServer, FaultSpec, RecordedCall } from './integration.types';

export type { FaultSpec } from './integration.types';

export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON, a form object for x-www-form-urlencoded, the raw text otherwise, undefined when empty. */
  body: unknown;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface RecordingFakeOptions {
  /** Headers added to every response, injected faults included (rate-limit headers, say). */
  responseHeaders?: (res: FakeResponse, req: FakeRequest) => Record<string, string>;
  /** Vendor-shaped body for errors the fake makes itself: unknown route, a fault without a body, a crash. */
  errorBody?: (status: number, message: string) => unknown;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: FakeHandler;
}

/**
 * A small real HTTP server for vendor fakes: a route table, a record of every vendor call, and
 * fault injection. Paths under `/__` are the fake's own controls and are never recorded:
 * `GET|DELETE /__calls`, `GET /__effects`, `POST|DELETE /__faults`, `POST /__expire-tokens`.
 */
export class RecordingFakeServer implements FakeVendorServer {
  private readonly routes: Route[] = [];
  private readonly recorded: RecordedCall[] = [];
  private readonly recordedEffects: FakeEffect[] = [];
  private faults: FaultSpec[] = [];
  private server: Server | undefined;
  private baseUrl: string | undefined;

  constructor(private readonly options: RecordingFakeOptions = {}) {
    this.route('GET', '/__calls', () => ({ status: 200, body: this.recorded }));
    this.route('DELETE', '/__calls', () => {
      this.resetCalls();
      return { status: 204 };
    });
    this.route('GET', '/__effects', () => ({ status: 200, body: this.recordedEffects }));
    this.route('POST', '/__expire-tokens', () => {
      if (!this.expireTokens) return { status: 404, body: this.errorBody(404, 'this vendor has no tokens') };
      this.expireTokens();
      return { status: 204 };
    });
    this.route('POST', '/__faults', (req) => {
      if (!Array.isArray(req.body))
        return { status: 400, body: this.errorBody(400, 'expected a JSON array of faults') };
      this.injectFaults(req.body as FaultSpec[]);
      return { status: 204 };
    });
    this.route('DELETE', '/__faults', () => {
      this.clearFaults();
      return { status: 204 };
    });
  }

  /** Adds a route; `:name` segments become `req.params.name`. Earlier routes win. */
  route(method: string, pathPattern: string, handler: FakeHandler): this {
    const names: string[] = [];
    const source = pathPattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** Queues faults; each is served once, in order, to the next request it matches. */
  injectFaults(faults: FaultSpec[]): void {
    this.faults.push(...faults);
  }

  clearFaults(): void {
    this.faults = [];
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('the fake server is not started');
    return this.baseUrl;
  }

  get calls(): readonly RecordedCall[] {
    return this.recorded;
  }

  resetCalls(): void {
    this.recorded.length = 0;
  }

  get effects(): readonly FakeEffect[] {
    return this.recordedEffects;
  }

  /** Vendor fakes call this when a request really changed state (not for a no-op repeat). */
  protected recordEffect(capability: string, target: string): void {
    this.recordedEffects.push({ capability, target });
  }

  /** A plain 429 with `Retry-After`; vendors whose throttling looks different override it. */
  rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: this.errorBody(429, 'rate limit exceeded'),
    };
  }

  /** Fakes whose vendor issues expiring tokens implement this. */
  expireTokens?(): void;

  async start(port = 0): Promise<string> {
    if (this.baseUrl) return this.baseUrl;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    // Keep-alive sockets from fetch would hold close() open indefinitely.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
    let req: FakeRequest | undefined;
    let response: FakeResponse;
    try {
      req = await readRequest(incoming);
      const control = req.path.startsWith('/__');
      if (!control) {
        const rawPath = incoming.url ?? req.path;
        this.recorded.push({
          method: req.method,
          path: rawPath,
          headers: req.headers,
          body: req.body,
          at: Date.now(),
        });
      }
      const fault = control ? undefined : this.takeFault(req.method, incoming.url ?? req.path);
      if (fault) {
        if (fault.delayMs) {
          const aborted = await delay(fault.delayMs, incoming);
          if (aborted) return;
        }
        response = {
          status: fault.status,
          headers: fault.headers,
          body: fault.body ?? this.errorBody(fault.status, 'injected fault'),
        };
      } else {
        response = await this.dispatch(req);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      response = { status: 500, body: this.errorBody(500, `fake server error: ${message}`) };
    }
    this.send(res, response, req);
  }

  private async dispatch(req: FakeRequest): Promise<FakeResponse> {
    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const match = route.pattern.exec(req.path);
      if (!match) continue;
      req.params = Object.fromEntries(
        route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]),
      );
      return route.handler(req);
    }
    return { status: 404, body: this.errorBody(404, `no route for ${req.method} ${req.path}`) };
  }

  private takeFault(method: string, fullPath: string): FaultSpec | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (!f.match?.method || f.match.method.toUpperCase() === method) &&
        (!f.match?.pathPrefix || fullPath.startsWith(f.match.pathPrefix)),
    );
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }

  /** Vendor fakes override this (or pass `errorBody`) to shape the errors the fake makes itself. */
  protected errorBody(status: number, message: string): unknown {
    return this.options.errorBody?.(status, message) ?? { error: { code: status, message } };
  }

  /** Vendor fakes override this (or pass `responseHeaders`) to add headers to every response. */
  protected responseHeaders(res: FakeResponse, req: FakeRequest): Record<string, string> {
    return this.options.responseHeaders?.(res, req) ?? {};
  }

  private send(res: ServerResponse, response: FakeResponse, req: FakeRequest | undefined): void {
    if (res.destroyed) return;
    const headers: Record<string, string> = {
      ...(req ? this.responseHeaders(response, req) : undefined),
      ...response.headers,
    };
    let payload: string | undefined;
    if (typeof response.body === 'string') payload = response.body;
    else if (response.body !== undefined && response.status !== 204) {
      payload = JSON.stringify(response.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}

async function readRequest(incoming: IncomingMessage): Promise<FakeRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const url = new URL(incoming.url ?? '/', 'http://fake.invalid');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: (incoming.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    params: {},
    headers,
    body: parseBody(text, headers['content-type'] ?? ''),
  };
}

function parseBody(text: string, contentType: string): unknown {
  if (!text) return undefined;
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (contentType.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Resolves true if the client went away first, so the fake does not write to a dead socket. */
function delay(ms: number, incoming: IncomingMessage): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      incoming.socket.off('close', onClose);
      resolve(false);
    }, ms);
    incoming.socket.once('close', onClose);
  });
}
