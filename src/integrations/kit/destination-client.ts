import { HttpClient } from './http-client';

const siblings = new WeakMap<HttpClient, Map<string, HttpClient>>();

/**
 * The client for a destination given as a whole URL (a webhook's setting or secret), not as the connection's
 * `baseUrl`: the platform's own client when it already points at that origin, else a sibling
 * HttpClient for the origin that shares its vendor name and its sleep (so waits stay injectable),
 * kept as long as the platform's client so its breaker and concurrency limit carry over calls.
 */
export function clientForOrigin(http: HttpClient, origin: string): HttpClient {
  if (http.baseUrl === origin) return http;
  let perOrigin = siblings.get(http);
  if (!perOrigin) siblings.set(http, (perOrigin = new Map()));
  let client = perOrigin.get(origin);
  if (!client) {
    client = new HttpClient({ vendor: http.vendor, baseUrl: origin, sleep: (ms) => http.wait(ms) });
    perOrigin.set(origin, client);
  }
  return client;
}

/** The query of a URL as the client's `query` option (repeated keys kept). */
export function queryOf(url: URL): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
  return query;
}
