import { RecordingFakeServer } from './fake-server';

describe('RecordingFakeServer', () => {
  let fake: RecordingFakeServer;
  let url: string;

  beforeEach(async () => {
    fake = new RecordingFakeServer({ responseHeaders: () => ({ 'x-fake': 'yes' }) });
    fake
      .route('GET', '/items/:id', (req) => ({
        status: 200,
        body: { id: req.params.id, q: req.query.get('q') },
      }))
      .route('POST', '/items', (req) => ({ status: 201, body: { received: req.body } }));
    url = await fake.start(0);
  });
  afterEach(() => fake.stop());

  it('routes with params and records calls with query, lower-case headers and parsed bodies', async () => {
    const a = await fetch(`${url}/items/42?q=x`, { headers: { 'X-Trace': 't1' } });
    expect(await a.json()).toEqual({ id: '42', q: 'x' });
    expect(a.headers.get('x-fake')).toBe('yes');

    const b = await fetch(`${url}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=two',
    });
    expect(await b.json()).toEqual({ received: { a: '1', b: 'two' } });
    await fetch(`${url}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":1}',
    });
    await fetch(`${url}/items`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });

    expect(fake.calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['GET', '/items/42?q=x', undefined],
      ['POST', '/items', { a: '1', b: 'two' }],
      ['POST', '/items', { n: 1 }],
      ['POST', '/items', 'hello'],
    ]);
    expect(fake.calls[0].headers['x-trace']).toBe('t1');
  });

  it('serves and resets the recorded calls over HTTP without recording itself', async () => {
    await fetch(`${url}/items/1`);
    const listed = (await (await fetch(`${url}/__calls`)).json()) as Array<{ path: string }>;
    expect(listed.map((c) => c.path)).toEqual(['/items/1']);
    expect((await fetch(`${url}/__calls`, { method: 'DELETE' })).status).toBe(204);
    expect(fake.calls).toHaveLength(0);
  });

  it('answers 404 with a JSON body for an unknown route', async () => {
    const res = await fetch(`${url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 404, message: 'no route for GET /nope' } });
    expect(fake.calls).toHaveLength(1);
  });

  it('serves injected faults in order to matching requests only, and records them', async () => {
    fake.injectFaults([
      { status: 503, match: { method: 'GET', pathPrefix: '/items/7' } },
      { status: 429, headers: { 'retry-after': '3' }, body: { message: 'slow' } },
    ]);
    const other = await fetch(`${url}/items/1`);
    expect(other.status).toBe(429);
    expect(other.headers.get('retry-after')).toBe('3');
    expect(other.headers.get('x-fake')).toBe('yes');
    expect(await other.json()).toEqual({ message: 'slow' });

    const first = await fetch(`${url}/items/7`);
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ error: { code: 503, message: 'injected fault' } });
    expect((await fetch(`${url}/items/7`)).status).toBe(200);
    expect(fake.calls).toHaveLength(3);
  });

  it('accepts and clears faults over HTTP', async () => {
    const set = await fetch(`${url}/__faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ status: 500 }, { status: 502 }]),
    });
    expect(set.status).toBe(204);
    expect((await fetch(`${url}/items/1`)).status).toBe(500);
    await fetch(`${url}/__faults`, { method: 'DELETE' });
    expect((await fetch(`${url}/items/1`)).status).toBe(200);
    expect((await fetch(`${url}/__faults`, { method: 'POST', body: '{}' })).status).toBe(400);
  });

  it('holds a delayed fault until the client gives up, and still stops cleanly', async () => {
    fake.injectFaults([{ status: 200, delayMs: 60_000 }]);
    await expect(fetch(`${url}/items/1`, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    expect(fake.calls).toHaveLength(1);
  });

  it('turns a handler crash into a 500', async () => {
    fake.route('GET', '/boom', () => {
      throw new Error('kaput');
    });
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 500, message: 'fake server error: kaput' } });
  });

  it('refuses to report a URL before it starts', () => {
    expect(() => new RecordingFakeServer().url).toThrow('not started');
  });
});
