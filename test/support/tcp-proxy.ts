import * as net from 'node:net';

/**
 * A TCP proxy to put in front of a shared server (PostgreSQL) so one test can take it away
 * without touching the server others use. `cut()` drops every open connection and refuses new
 * ones, as a database that went down would; `restore()` accepts again on the same port.
 */
export interface TcpProxy {
  /** host:port clients should dial. */
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far (a cheap sign that clients reconnected after a restore). */
  readonly accepted: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let server: net.Server | undefined;
  let port = 0;

  const open = async (): Promise<void> => {
    const s = net.createServer((client) => {
      accepted++;
      const upstream = net.connect(target.port, target.host);
      sockets.add(client);
      sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as net.AddressInfo).port;
    server = s;
  };

  const shut = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await open();
  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    cut: shut,
    async restore() {
      if (!server) await open();
    },
    close: shut,
  };
}

/** The same connection URL, dialling the proxy instead of the server. */
export function viaProxy(url: string, proxy: Pick<TcpProxy, 'host' | 'port'>): string {
  const u = new URL(url);
  u.hostname = proxy.host;
  u.port = String(proxy.port);
  return u.toString();
}
