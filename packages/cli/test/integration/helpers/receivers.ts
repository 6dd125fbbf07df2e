import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as it reached a receiver. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** Epoch ms on arrival. */
  at: number;
  status: number;
}

/** A loopback receiver and everything it was sent. */
export interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

type Decide = (request: { headers: IncomingHttpHeaders; body: string }, seenBefore: number) => number;

async function startReceiver(decide: Decide): Promise<Receiver> {
  const requests: Received[] = [];
  const seen = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(request.headers['webhook-id'] ?? '');
      const count = seen.get(id) ?? 0;
      seen.set(id, count + 1);
      const status = decide({ headers: request.headers, body }, count);
      requests.push({ headers: request.headers, body, at: Date.now(), status });
      if (status >= 300 && status < 400) response.writeHead(status, { location: 'https://example.invalid/' });
      else response.writeHead(status);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Verifies with the reference `standardwebhooks` library: an independent check of the CLI's signing. */
export function verifiesWithReference(key: string, request: { headers: IncomingHttpHeaders; body: string }): boolean {
  try {
    new Webhook(key).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  }
}

/** A correct receiver: verifies with the reference library, 204 when valid, 400 when not. */
export function verifyingReceiver(key: string): Promise<Receiver> {
  return startReceiver((request) => (verifiesWithReference(key, request) ? 204 : 400));
}

/** Fails (503) the first `failures` attempts of every event id, then acknowledges valid deliveries. */
export function failFirstReceiver(key: string, failures = 1): Promise<Receiver> {
  return startReceiver((request, seenBefore) =>
    seenBefore < failures ? 503 : verifiesWithReference(key, request) ? 204 : 400,
  );
}

/** Always answers 301: the platform disables such an endpoint at once. */
export function redirectingReceiver(): Promise<Receiver> {
  return startReceiver(() => 301);
}

/** Accepts everything without verifying: a receiver that --forged must catch. */
export function acceptEverythingReceiver(): Promise<Receiver> {
  return startReceiver(() => 204);
}

/** Always fails with 500. */
export function failingReceiver(): Promise<Receiver> {
  return startReceiver(() => 500);
}
