import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withinAttempt } from './attempt-deadline';
import { HttpClient, OAuth2ClientCredentials, type HttpClientOptions } from './http-client';
import { caughtVendorError as caught } from './testing';

interface Hit {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (hit: Hit, res: ServerResponse) => void;

/** A bare node:http server whose behaviour each test scripts, recording every hit. */
async function serve(handler: Handler) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      hits.push(hit);
      handler(hit, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, hits, close };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

describe('HttpClient', () => {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const client = (url: string, options: Partial<HttpClientOptions> = {}) =>
    new HttpClient({ vendor: 'Acme', baseUrl: url, sleep, random: () => 0.5, ...options });

  beforeEach(() => {
    sleeps.length = 0;
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('retries 503, 503 and succeeds on the third attempt with jittered backoff', async () => {
    let n = 0;
    server = await serve((_hit, res) =>
      ++n < 3 ? json(res, 503, { message: 'busy' }) : json(res, 200, { ok: true }),
    );
    const res = await client(server.url, { initialBackoffMs: 100 }).request<{ ok: boolean }>({
      method: 'GET',
      path: '/things',
      query: { a: 'x y', skip: undefined, ids: ['1', '2'] },
    });
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    expect(server.hits).toHaveLength(3);
    expect(server.hits[0].url).toBe('/things?a=x+y&ids=1&ids=2');
    // Full jitter with random() = 0.5 over caps 100 and 200.
    expect(sleeps).toEqual([50, 100]);
  });

  it('does not retry a 404 and reports vendor, status, code and message', async () => {
    server = await serve((_hit, res) =>
      json(res, 404, { errors: [{ code: 'E404', message: 'no such widget' }] }),
    );
    const err = await caught(client(server.url).request({ method: 'GET', path: '/widgets/9' }));
    expect(err).toMatchObject({
      vendor: 'Acme',
      status: 404,
      code: 'E404',
      message: 'no such widget',
      retryable: false,
    });
    expect(server.hits).toHaveLength(1);
  });

  it('uses the vendor parser hook and falls back to the status line', async () => {
    server = await serve((hit, res) =>
      hit.url === '/a' ? json(res, 400, { fault: 'custom words' }) : (res.writeHead(409), res.end()),
    );
    const http = client(server.url, {
      parseError: (_s, body) => ({ code: 'X', message: (body as { fault: string }).fault }),
    });
    expect(await caught(http.request({ method: 'GET', path: '/a' }))).toMatchObject({
      code: 'X',
      message: 'custom words',
    });
    expect(await caught(client(server.url).request({ method: 'GET', path: '/b' }))).toMatchObject({
      status: 409,
      message: 'HTTP 409 Conflict',
    });
  });

  it('honours Retry-After seconds on 429, even beyond maxBackoffMs', async () => {
    let n = 0;
    server = await serve((_hit, res) =>
      ++n === 1 ? json(res, 429, { message: 'slow down' }, { 'retry-after': '7' }) : json(res, 200, {}),
    );
    await client(server.url, { maxBackoffMs: 1000 }).request({ method: 'GET', path: '/' });
    expect(sleeps).toEqual([7000]);
  });

  it('honours a Retry-After HTTP date and the vendor retryAfter hook', async () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    let n = 0;
    server = await serve((_hit, res) => {
      n++;
      if (n === 1) return json(res, 503, {}, { 'retry-after': new Date(now + 3000).toUTCString() });
      if (n === 2) return json(res, 429, {}, { 'x-reset': String(now / 1000 + 2) });
      json(res, 200, {});
    });
    const hook = (res: Response, at: number) => {
      const reset = res.headers.get('x-reset');
      return reset ? Number(reset) * 1000 - at : undefined;
    };
    await client(server.url, { now: () => now, retryAfter: hook }).request({ method: 'GET', path: '/' });
    expect(sleeps).toEqual([3000, 2000]);
  });

  it('gives up at once, retryable, when the vendor asks for more than 60 s', async () => {
    server = await serve((_hit, res) => json(res, 429, { message: 'quota' }, { 'retry-after': '120' }));
    const err = await caught(client(server.url).request({ method: 'GET', path: '/' }));
    expect(err).toMatchObject({ retryable: true, status: 429, retryAfterMs: 120_000 });
    expect(server.hits).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('hands back a wait that would outlast the attempt, and sleeps one that fits', async () => {
    server = await serve((_hit, res) => json(res, 429, { message: 'slow down' }, { 'retry-after': '3' }));
    const inside = (ms: number) =>
      withinAttempt(Date.now() + ms, () => client(server!.url).request({ method: 'GET', path: '/' }));
    const err = await caught(inside(2_000));
    expect(err).toMatchObject({ retryable: true, status: 429, retryAfterMs: 3_000 });
    expect(err.message).toMatch(/past this attempt's end/);
    expect(server.hits).toHaveLength(1);
    expect(sleeps).toEqual([]);

    // With time enough, the client waits as told (up to its own attempts).
    await caught(inside(60_000));
    expect(sleeps).toEqual([3_000, 3_000, 3_000]);
  });

  it('treats a timeout as retryable', async () => {
    server = await serve(() => undefined); // never answers
    const err = await caught(
      client(server.url, { timeoutMs: 50, maxAttempts: 2 }).request({ method: 'GET', path: '/slow' }),
    );
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('GET /slow timed out after 50 ms');
    expect(server.hits).toHaveLength(2);
  });

  it('treats an unreachable vendor as retryable without leaking the request body', async () => {
    const gone = await serve(() => undefined);
    await gone.close();
    const err = await caught(
      client(gone.url, { maxAttempts: 2 }).request({
        method: 'POST',
        path: '/x',
        json: { password: 'hunter2' },
      }),
    );
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/could not reach Acme \(ECONNREFUSED\)/);
    expect(err.message).not.toContain('hunter2');
  });

  it('opens the circuit after consecutive failures, fails fast, then lets one probe close it', async () => {
    let now = 1_000_000;
    let healthy = false;
    server = await serve((_hit, res) => (healthy ? json(res, 200, {}) : json(res, 503, {})));
    const http = client(server.url, {
      maxAttempts: 1,
      breaker: { failureThreshold: 3, resetAfterMs: 5000 },
      now: () => now,
    });
    for (let i = 0; i < 3; i++) await caught(http.request({ method: 'GET', path: '/' }));
    expect(http.breakerState()).toBe('open');

    const fast = await caught(http.request({ method: 'GET', path: '/' }));
    expect(fast).toMatchObject({ retryable: true, code: 'CIRCUIT_OPEN', retryAfterMs: 5000 });
    expect(fast.message).toContain('circuit open');
    expect(server.hits).toHaveLength(3);

    now += 5000;
    expect(http.breakerState()).toBe('half-open');
    healthy = true;
    await http.request({ method: 'GET', path: '/' });
    expect(http.breakerState()).toBe('closed');
  });

  it('reopens the circuit when the half-open probe fails', async () => {
    let now = 0;
    server = await serve((_hit, res) => json(res, 500, {}));
    const http = client(server.url, {
      maxAttempts: 1,
      breaker: { failureThreshold: 1, resetAfterMs: 100 },
      now: () => now,
    });
    await caught(http.request({ method: 'GET', path: '/' }));
    now = 100;
    await caught(http.request({ method: 'GET', path: '/' }));
    expect(http.breakerState()).toBe('open');
    expect(server.hits).toHaveLength(2);
  });

  it('lets a token refresh be the half-open probe instead of blocking on it', async () => {
    let now = 0;
    let healthy = false;
    server = await serve((hit, res) => {
      if (!healthy) return json(res, 503, {});
      if (hit.url === '/token') return json(res, 200, { access_token: 'tok', expires_in: 60 });
      json(res, 200, { auth: hit.headers.authorization });
    });
    const http = client(server.url, {
      maxAttempts: 1,
      breaker: { failureThreshold: 1, resetAfterMs: 10 },
      now: () => now,
    });
    await caught(http.request({ method: 'GET', path: '/' }));
    expect(http.breakerState()).toBe('open');
    now = 10;
    healthy = true;
    const auth = new OAuth2ClientCredentials(http, {
      tokenPath: '/token',
      clientId: 'a',
      clientSecret: 'b',
      now: () => now,
    });
    const res = await http.request<{ auth: string }>({ method: 'GET', path: '/api', bearer: auth });
    expect(res.body.auth).toBe('Bearer tok');
    expect(http.breakerState()).toBe('closed');
  });

  it('rethrows the caller cancellation as it is', async () => {
    server = await serve(() => undefined); // never answers
    const controller = new AbortController();
    const pending = client(server.url).request({ method: 'GET', path: '/', signal: controller.signal });
    const reason = new Error('activity cancelled');
    await new Promise<void>((resolve) => {
      const poll = () => (server!.hits.length ? resolve() : setImmediate(poll));
      poll();
    });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('never has more requests in flight than its concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    server = await serve((_hit, res) => {
      peak = Math.max(peak, ++inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 200, {});
      }, 10);
    });
    const http = client(server.url, { concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => http.request({ method: 'GET', path: '/' })));
    expect(server.hits).toHaveLength(6);
    expect(peak).toBe(2);
  });

  it('sends JSON and form bodies and accepts listed statuses only', async () => {
    server = await serve((hit, res) => json(res, hit.url === '/created' ? 201 : 200, { got: hit.body }));
    const http = client(server.url);
    const a = await http.request<{ got: string }>({ method: 'POST', path: '/j', json: { a: 1 } });
    expect(a.body.got).toBe('{"a":1}');
    expect(server.hits[0].headers['content-type']).toBe('application/json');
    const b = await http.request<{ got: string }>({ method: 'POST', path: '/f', form: { x: '1 2' } });
    expect(b.body.got).toBe('x=1+2');
    expect(server.hits[1].headers['content-type']).toBe('application/x-www-form-urlencoded');
    await expect(http.request({ method: 'GET', path: '/created', expect: [202] })).rejects.toMatchObject({
      retryable: false,
      message: 'GET /created answered 201, expected 202',
    });
  });
});

describe('OAuth2ClientCredentials', () => {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** A token endpoint issuing t1, t2, … and an API accepting only the newest token. */
  async function tokenServer(options: { expiresIn?: number; rejectAll?: boolean } = {}) {
    let issued = 0;
    return serve((hit, res) => {
      if (hit.url === '/oauth/token') {
        const form = new URLSearchParams(hit.body);
        if (form.get('client_secret') !== 'right')
          return json(res, 403, { errors: [{ code: 403, message: 'bad client' }] });
        return json(res, 201, {
          access_token: `t${++issued}`,
          token_type: 'bearer',
          expires_in: options.expiresIn ?? 1800,
        });
      }
      if (!options.rejectAll && hit.headers.authorization === `Bearer t${issued}`)
        return json(res, 200, { ok: true });
      json(res, 401, { errors: [{ code: 401, message: 'access denied' }] });
    });
  }
  const tokenHits = () => server!.hits.filter((h) => h.url === '/oauth/token');

  it('posts the credentials form, caches the token and refreshes it after expiry', async () => {
    server = await tokenServer({ expiresIn: 1800 });
    let now = 0;
    const http = new HttpClient({ vendor: 'Acme', baseUrl: server.url });
    const auth = new OAuth2ClientCredentials(http, {
      tokenPath: '/oauth/token',
      clientId: 'id',
      clientSecret: 'right',
      extra: { member_cid: 'abc' },
      now: () => now,
    });
    const [a, b] = await Promise.all([auth.token(), auth.token()]);
    expect([a, b]).toEqual(['t1', 't1']);
    expect(await auth.token()).toBe('t1');
    expect(tokenHits()).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(tokenHits()[0].body))).toEqual({
      client_id: 'id',
      client_secret: 'right',
      member_cid: 'abc',
    });

    now += 1800_000 - 60_000 - 1; // still inside the refresh skew
    expect(await auth.token()).toBe('t1');
    now += 1;
    expect(await auth.token()).toBe('t2');
    expect(tokenHits()).toHaveLength(2);
  });

  it('sends grant_type only when asked to', async () => {
    server = await tokenServer();
    const http = new HttpClient({ vendor: 'Acme', baseUrl: server.url });
    const auth = new OAuth2ClientCredentials(http, {
      tokenPath: '/oauth/token',
      clientId: 'id',
      clientSecret: 'right',
      grantType: 'client_credentials',
    });
    await auth.token();
    expect(new URLSearchParams(tokenHits()[0].body).get('grant_type')).toBe('client_credentials');
  });

  it('fetches a new token once when the API answers 401', async () => {
    server = await tokenServer();
    const http = new HttpClient({ vendor: 'Acme', baseUrl: server.url });
    const auth = new OAuth2ClientCredentials(http, {
      tokenPath: '/oauth/token',
      clientId: 'id',
      clientSecret: 'right',
    });
    await auth.token();
    // Another client (or a revocation) invalidated t1 behind our back: the server now wants t2.
    await new OAuth2ClientCredentials(http, {
      tokenPath: '/oauth/token',
      clientId: 'id',
      clientSecret: 'right',
    }).token();
    const res = await http.request({ method: 'GET', path: '/api', bearer: auth });
    expect(res.status).toBe(200);
    expect(server.hits.filter((h) => h.url === '/api').map((h) => h.headers.authorization)).toEqual([
      'Bearer t1',
      'Bearer t3',
    ]);
  });

  it('gives up after one refresh when the API keeps answering 401', async () => {
    server = await tokenServer({ rejectAll: true });
    const http = new HttpClient({ vendor: 'Acme', baseUrl: server.url });
    const auth = new OAuth2ClientCredentials(http, {
      tokenPath: '/oauth/token',
      clientId: 'id',
      clientSecret: 'right',
    });
    const err = await caught(http.request({ method: 'GET', path: '/api', bearer: auth }));
    expect(err).toMatchObject({ status: 401, retryable: false, message: 'access denied' });
    expect(server.hits.filter((h) => h.url === '/api')).toHaveLength(2);
    expect(tokenHits()).toHaveLength(2);
  });

  it('reports bad credentials as a non-retryable auth error without the secret', async () => {
    server = await tokenServer();
    const http = new HttpClient({ vendor: 'Acme', baseUrl: server.url });
    const auth = new OAuth2ClientCredentials(http, {
      tokenPath: '/oauth/token',
      clientId: 'id',
      clientSecret: 'wrong',
    });
    const err = await caught(auth.token());
    expect(err).toMatchObject({ vendor: 'Acme', status: 403, code: 'AUTH_FAILED', retryable: false });
    expect(err.message).toBe('authentication failed: bad client');
    expect(JSON.stringify(err)).not.toContain('wrong');
    expect(tokenHits()).toHaveLength(1);
  });
});
