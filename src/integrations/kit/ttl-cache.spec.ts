import { HttpClient } from './http-client';
import type { ActionContext } from './integration.types';
import { perConnection, TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('serves a value until its TTL runs out', () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, now: clock });
    cache.set('a', 'one');
    now += 999;
    expect(cache.get('a')).toBe('one');
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps nothing when the TTL is 0', () => {
    const cache = new TtlCache<string>({ ttlMs: 0, now: clock });
    cache.set('a', 'one');
    expect(cache.enabled).toBe(false);
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops the oldest write beyond maxEntries', () => {
    const cache = new TtlCache<number>({ ttlMs: 1000, maxEntries: 2, now: clock });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3); // rewritten: now the newest
    cache.set('c', 4);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(3);
    expect(cache.get('c')).toBe(4);
  });

  it('loads once, shares a load in flight, and does not cache a failure', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, now: clock });
    let loads = 0;
    const load = async () => `v${++loads}`;
    const [x, y] = await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    expect([x, y, loads]).toEqual(['v1', 'v1', 1]);
    expect(await cache.getOrLoad('k', load)).toBe('v1');

    await expect(cache.getOrLoad('bad', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.getOrLoad('bad', load)).toBe('v2');
  });
});

describe('perConnection', () => {
  const ctx = (http: HttpClient, id: string, baseUrl = 'http://vendor.test'): ActionContext => ({
    connection: { id, baseUrl, settings: { limit: 4 }, secrets: {} },
    idempotencyKey: 'k',
    http,
  });

  it('gives each connection, base URL and settings variant its own value, for the life of the client', () => {
    let created = 0;
    const scoped = perConnection(
      () => ({ n: ++created }),
      (c) => String(c.settings.limit),
    );
    const http = new HttpClient({ vendor: 'V', baseUrl: 'http://vendor.test' });
    const a = scoped(ctx(http, 'conn-a'));
    expect(scoped(ctx(http, 'conn-a'))).toBe(a);
    expect(scoped(ctx(http, 'conn-b'))).not.toBe(a);
    expect(scoped(ctx(http, 'conn-a', 'http://127.0.0.1:9999'))).not.toBe(a);
    const changed = ctx(http, 'conn-a');
    changed.connection.settings.limit = 0;
    expect(scoped(changed)).not.toBe(a);
    // A new client (a new connection version, a new test harness) starts afresh.
    expect(scoped(ctx(new HttpClient({ vendor: 'V', baseUrl: 'http://vendor.test' }), 'conn-a'))).not.toBe(a);
    expect(created).toBe(5);
  });
});
