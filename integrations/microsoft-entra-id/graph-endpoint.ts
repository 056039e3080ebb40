import { HttpClient } from '../../src/integrations/kit/http-client';
import { VendorError } from '../../src/integrations/kit/vendor-error';

/** Which client serves a URL, and the path to hand it. */
export interface Endpoint {
  client: HttpClient;
  path: string;
}

const siblings = new WeakMap<HttpClient, Map<string, HttpClient>>();

/**
 * The platform hands an action one HttpClient bound to the connection's `baseUrl`, but Entra lives
 * on two hosts (sign-in and Graph), and this integration has no `baseUrl` of its own. A URL under
 * the shared client's base goes through it, so its breaker, concurrency limit and (in tests) sleep
 * apply; any other host gets a sibling client of the same vendor, kept as long as the shared one.
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
  let perClient = siblings.get(http);
  if (!perClient) siblings.set(http, (perClient = new Map()));
  let client = perClient.get(parsed.origin);
  if (!client) {
    client = new HttpClient({ vendor: http.vendor, baseUrl: parsed.origin });
    perClient.set(parsed.origin, client);
  }
  return { client, path: `${parsed.pathname}${parsed.search}` };
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
