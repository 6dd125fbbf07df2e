// The relay's HTTP server keeps idle keep-alive connections for keepAliveTimeoutMs (65 s by
// default), longer than Node's 5 s: a server that closes a connection just as a sender reuses it
// turns that delivery into a connection reset. Raw sockets, so nothing pools or reconnects.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { startHarness } from '../helpers/relay-harness.js';

const [sqlite] = await databaseVariants('keep_alive');
const variant = sqlite as NonNullable<typeof sqlite>;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends GET /healthz on the socket and resolves with the status line once the whole response is in. */
async function healthz(socket: Socket): Promise<string> {
  let text = '';
  const done = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      // /healthz answers with a chunked body: the response ends with the zero-length chunk.
      if (text.endsWith('\r\n0\r\n\r\n')) {
        socket.off('data', onData);
        resolve(text.slice(0, text.indexOf('\r\n')));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed before a response: ${JSON.stringify(text)}`)));
  });
  socket.write('GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: keep-alive\r\n\r\n');
  return done;
}

async function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  return socket;
}

describe('keep-alive connections to the relay', () => {
  afterAll(() => variant.cleanup());

  it('stay open while idle for longer than Node’s default 5 s, then serve the next request', {
    timeout: 20_000,
  }, async () => {
    const h = await startHarness(variant, { config: { keepAliveTimeoutMs: 8_000 } });
    const socket = await open(h.relay.url);
    try {
      expect(await healthz(socket)).toBe('HTTP/1.1 200 OK');
      await pause(6_600); // Node closes at keepAliveTimeout + 1 s: past the default 5 s, it would have
      expect(socket.destroyed).toBe(false);
      expect(await healthz(socket)).toBe('HTTP/1.1 200 OK');
    } finally {
      socket.destroy();
      await h.stop();
    }
  });

  it('close once idle for keepAliveTimeoutMs', async () => {
    const h = await startHarness(variant, { config: { keepAliveTimeoutMs: 300 } });
    const socket = await open(h.relay.url);
    try {
      expect(await healthz(socket)).toBe('HTTP/1.1 200 OK');
      const idleFrom = Date.now();
      await once(socket, 'close');
      const idle = Date.now() - idleFrom;
      expect(idle).toBeGreaterThanOrEqual(250);
      expect(idle).toBeLessThan(5_000);
    } finally {
      socket.destroy();
      await h.stop();
    }
  });
});
