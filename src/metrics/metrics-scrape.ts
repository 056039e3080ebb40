import { createHash, timingSafeEqual } from 'node:crypto';
import { metricsRegistry } from './metrics.registry';

export const METRICS_PATH = '/metrics';

export interface ScrapeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One answer for both places /metrics is served (the API's HTTP server and the worker's own
 * listener): the registry in Prometheus text format, behind a bearer token when one is set.
 */
export async function scrapeMetrics(
  token: string | undefined,
  authorization: string | string[] | undefined,
): Promise<ScrapeAnswer> {
  if (token !== undefined && !tokenMatches(token, authorization)) {
    return {
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"' },
      body: JSON.stringify({
        error: {
          code: 'UNAUTHENTICATED',
          message: 'metrics need the scrape token (Authorization: Bearer <CORDON_METRICS_TOKEN>)',
        },
      }),
    };
  }
  return {
    status: 200,
    headers: { 'content-type': metricsRegistry.contentType },
    body: await metricsRegistry.metrics(),
  };
}

function tokenMatches(token: string, authorization: string | string[] | undefined): boolean {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const given = value ? /^Bearer\s+(\S+)$/i.exec(value.trim())?.[1] : undefined;
  if (!given) return false;
  // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
