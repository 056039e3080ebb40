import * as http from 'node:http';
import { METRICS_PATH, scrapeMetrics } from './metrics-scrape';

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/**
 * The worker process has no HTTP server of its own: this small one serves only /metrics, so
 * every process that runs a worker can be scraped.
 */
export async function startMetricsListener(opts: {
  host: string;
  port: number;
  token: string | undefined;
}): Promise<MetricsListener> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'NOT_FOUND', message: `only GET ${METRICS_PATH} is served here` } }),
      );
      return;
    }
    scrapeMetrics(opts.token, req.headers.authorization).then(
      (answer) => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`metrics collection failed: ${(err as Error).message}`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  const host = opts.host === '0.0.0.0' ? 'localhost' : opts.host;
  return {
    url: `http://${host}:${port}${METRICS_PATH}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
