// A TCP proxy between a client and a real server that a test can cut and restore: the server
// "goes away" for the client exactly as it does when a database restarts or a network drops
// (established connections reset, new ones refused), while the server itself keeps running.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port the client should connect to (127.0.0.1). */
  readonly port: number;
  /** Resets every open connection and refuses new ones until `restore`. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const serve = (): Server =>
    createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const shut = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

  let server = serve();
  const port = await listen(server, 0);
  let open = true;
  const cut = async () => {
    if (!open) return;
    open = false;
    const closed = shut(server);
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  return {
    port,
    cut,
    async restore() {
      if (open) return;
      server = serve();
      await listen(server, port);
      open = true;
    },
    close: cut,
  };
}

/** A proxy to the server of a `postgres://` or `redis://` URL, and the same URL through it. */
export async function proxyTo(url: string, defaultPort: number): Promise<{ proxy: TcpProxy; url: string }> {
  const direct = new URL(url);
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || defaultPort) });
  const through = new URL(direct);
  through.hostname = '127.0.0.1';
  through.port = String(proxy.port);
  return { proxy, url: through.href };
}
