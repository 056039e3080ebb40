import type { ActionContext } from './integration.types';
import { perClientCache } from './per-client';

export interface TtlCacheOptions {
  /** How long an entry lives; 0 or less turns the cache off (every read misses). */
  ttlMs: number;
  /** Beyond this many entries the oldest is dropped first. */
  maxEntries?: number;
  /** Injectable clock, for tests. */
  now?: () => number;
}

/**
 * A small in-memory cache whose entries expire: enough for an adapter to avoid paying a vendor's
 * quota twice for the same answer. Loads of one key in flight at once share one call.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<V>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: TtlCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = Math.max(1, options.maxEntries ?? 5000);
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live value for `key`, or undefined (an expired entry is dropped on the way). */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    if (!this.enabled) return;
    // Re-inserting moves the key to the end, so the first key is always the oldest write.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * The cached value, or the result of `load()` (cached when it resolves; a failure is not
   * cached). Concurrent callers for one key wait on the same load.
   */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = (async () => {
      try {
        const value = await load();
        this.set(key, value);
        return value;
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, promise);
    return promise;
  }
}

type ConnectionScope = Pick<ActionContext, 'connection' | 'http'>;

/**
 * One `T` per connection (a cache, a rate budget), kept as long as the HttpClient the platform
 * holds for that connection version: a WeakMap lets it go with the client, so a changed
 * connection starts afresh. Within a client the key is the connection id, its base URL and
 * `variant` (the settings `T` was built from), so two tenants never share one, and neither do two
 * fakes on different ports.
 */
export function perConnection<T>(
  create: (connection: ActionContext['connection']) => T,
  variant: (connection: ActionContext['connection']) => string = () => '',
): (ctx: ConnectionScope) => T {
  const cache = perClientCache<T>();
  return ({ connection, http }) =>
    cache(http, `${connection.id}|${connection.baseUrl}|${variant(connection)}`, () => create(connection));
}
