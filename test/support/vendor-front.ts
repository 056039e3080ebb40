import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of a vendor fake that can keep the vendor's answer from the caller.
 * A fake's own fault (`delayMs`) stands in for the vendor, so the vendor never acts; this lets the
 * vendor act and then loses the answer: the window "after the EDR call, before the activity
 * completes" that a crashed worker leaves behind.
 */
export interface HeldAnswer {
  method: string;
  path: string;
  /** What the vendor answered (and the caller has not seen). */
  status: number;
  /** Sends the answer on, if the caller is still there. */
  release(): void;
}

export interface VendorFront {
  url: string;
  /** The next request matching is forwarded; its answer is held. Resolves once the vendor answered. */
  holdNextAnswer(match: { method?: string; pathPrefix: string }): Promise<HeldAnswer>;
  stop(): Promise<void>;
}

export async function startVendorFront(targetUrl: string): Promise<VendorFront> {
  const target = new URL(targetUrl);
  const holds: { match: { method?: string; pathPrefix: string }; resolve: (h: HeldAnswer) => void }[] = [];
  const pending = new Set<() => void>();

  const server = http.createServer((req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const index = holds.findIndex(
      (h) =>
        (!h.match.method || h.match.method.toUpperCase() === method) && path.startsWith(h.match.pathPrefix),
    );
    const hold = index >= 0 ? holds.splice(index, 1)[0] : undefined;
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const send = () => {
            pending.delete(send);
            if (res.destroyed) return;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          };
          if (!hold) return send();
          pending.add(send);
          hold.resolve({ method, path, status: answer.statusCode ?? 0, release: send });
        });
      },
    );
    // A caller that went away (a killed worker) takes its request with it, as a dropped TCP
    // connection would; an answer the vendor already gave stays given.
    res.on('close', () => upstream.destroy());
    upstream.on('error', (err) => {
      if (!res.destroyed) res.writeHead(502).end(String(err));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    holdNextAnswer(match) {
      return new Promise((resolve) => holds.push({ match, resolve }));
    },
    async stop() {
      for (const send of [...pending]) send();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
