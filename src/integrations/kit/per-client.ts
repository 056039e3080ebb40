import { createHash } from 'node:crypto';
import type { HttpClient } from './http-client';

/** Looks up the value for `key` on one platform client, creating it on first use. */
export type PerClientCache<T> = (http: HttpClient, key: string, create: () => T) => T;

/**
 * Values (token providers, caches, sibling clients) kept as long as the HttpClient the platform
 * holds for one connection version: a WeakMap lets them go with the client, so a changed
 * connection starts afresh, and a token survives from one action to the next. Each call of this
 * function is its own cache; put whatever tells two values apart (connection id, settings,
 * `secretDigest` of the credentials) in the key.
 */
export function perClientCache<T>(): PerClientCache<T> {
  const byClient = new WeakMap<HttpClient, Map<string, T>>();
  return (http, key, create) => {
    let scoped = byClient.get(http);
    if (!scoped) byClient.set(http, (scoped = new Map()));
    let value = scoped.get(key);
    if (value === undefined) {
      value = create();
      scoped.set(key, value);
    }
    return value;
  };
}

/**
 * A short digest of a secret for a cache key: a rotated secret gets a new key, so it never rides
 * on a token issued for the old one, and the key itself never holds the secret.
 */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}
