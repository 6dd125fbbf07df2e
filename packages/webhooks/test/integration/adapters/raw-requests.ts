// Requests fetch() cannot make: a chunked upload without content-length, and an upload the
// client abandons halfway, written straight onto sockets.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/** A chunked upload without content-length, so only counting the stream can stop it. */
export function postChunked(url: string, chunks: string[], headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/**
 * Sends the headers and the first half of the body, then hangs up, as a client or proxy that
 * dies mid-upload does. Resolves once the socket is closed.
 */
export function postTruncated(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const { hostname, port, pathname } = new URL(url);
  const head = [
    `POST ${pathname} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    `content-length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${head}\r\n\r\n${body.slice(0, Math.floor(body.length / 2))}`, () => {
        // Give the server a moment to start reading the body before the connection drops.
        setTimeout(() => socket.destroy(), 50);
      });
    });
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}
