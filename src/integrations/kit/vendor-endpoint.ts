import { HttpClient } from './http-client';
import { perClientCache } from './per-client';
import { VendorError } from './vendor-error';

/** Which client serves a URL, and the path to hand it. */
export interface Endpoint {
  client: HttpClient;
  path: string;
}

/**
 * The platform hands an action one HttpClient bound to the connection's `baseUrl`, but some vendors
 * live on two hosts (sign-in and API: Entra, Graph, Google). A URL under the shared client's base
 * goes through it, so its breaker, concurrency limit and (in tests) injected sleep apply; any other
 * host gets a sibling client (see clientForOrigin).
 */
export function endpoint(http: HttpClient, url: string, vendor: string): Endpoint {
  const base = http.baseUrl;
  if (base && (url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`))) {
    return { client: http, path: url.slice(base.length) || '/' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VendorError({
      vendor,
      code: 'BAD_CONFIG',
      message: `not a valid URL: ${url}`,
      retryable: false,
    });
  }
  return { client: clientForOrigin(http, parsed.origin), path: `${parsed.pathname}${parsed.search}` };
}

/** An http(s) URL setting without its trailing slashes, or the default. */
export function urlSetting(value: unknown, fallback: string, name: string, vendor: string): string {
  const raw = typeof value === 'string' && value.trim() ? value.trim() : fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new VendorError({
      vendor,
      code: 'BAD_CONFIG',
      message: `${name} is not a valid URL`,
      retryable: false,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new VendorError({
      vendor,
      code: 'BAD_CONFIG',
      message: `${name} must be an http(s) URL`,
      retryable: false,
    });
  }
  return raw.replace(/\/+$/, '');
}

const siblings = perClientCache<HttpClient>();

/**
 * The client for a destination given as a whole URL (a webhook's setting or secret, a second host), not as the connection's
 * `baseUrl`: the platform's own client when it already points at that origin, else a sibling
 * HttpClient for the origin that shares its vendor name and its sleep (so waits stay injectable),
 * kept as long as the platform's client so its breaker and concurrency limit carry over calls.
 */
export function clientForOrigin(http: HttpClient, origin: string): HttpClient {
  if (http.baseUrl === origin) return http;
  return siblings(
    http,
    origin,
    () => new HttpClient({ vendor: http.vendor, baseUrl: origin, sleep: (ms) => http.wait(ms) }),
  );
}

/** The query of a URL as the client's `query` option (repeated keys kept). */
export function queryOf(url: URL): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
  return query;
}
