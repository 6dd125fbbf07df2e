// A destination on loopback with programmable behaviour per path. Every delivery is verified
// with the npm `standardwebhooks` library against each secret registered for its path.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '@hookline/relay';
import { Webhook } from 'standardwebhooks';

export type Behaviour =
  | { kind: 'ok'; status?: number; body?: string }
  | { kind: 'fail'; times: number; status?: number }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'redirect'; location: string }
  /** Answers with the status `decide` picks for each request (failure injection by content). */
  | { kind: 'decide'; decide: (received: Received) => number };

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Names of the registered secrets this delivery verifies with. */
  verifiedWith: string[];
}

/** Verifies with `standardwebhooks`, checking the timestamp against the relay's (test) clock. */
function verifies(secret: string, body: string, headers: IncomingMessage['headers'], clock: Clock): boolean {
  const webhook = new Webhook(secret);
  // The library compares webhook-timestamp with Date.now(); tests move time with an injected clock.
  (webhook as unknown as { verifyTimestamp(value: string): Date }).verifyTimestamp = (value) => {
    const seconds = Number(value);
    if (Math.abs(clock.now() / 1000 - seconds) > 300) throw new Error('timestamp outside tolerance');
    return new Date(seconds * 1000);
  };
  try {
    webhook.verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

export class TestReceiver {
  readonly received: Received[] = [];
  /** The most requests that were open at once, per path (lane caps are checked with it). */
  readonly maxOpen = new Map<string, number>();
  /** Requests that have ended (answered, or closed by the relay's timeout), per path. */
  readonly ended = new Map<string, number>();
  readonly #open = new Map<string, number>();
  readonly #behaviours = new Map<string, Behaviour>();
  readonly #counts = new Map<string, number>();
  readonly #secrets = new Map<string, Map<string, string>>();
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  /** The clock timestamps are checked against: set it to the relay's test clock. */
  clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
    this.#server = createServer((req, res) => {
      const openPath = req.url ?? '/';
      const open = (this.#open.get(openPath) ?? 0) + 1;
      this.#open.set(openPath, open);
      this.maxOpen.set(openPath, Math.max(open, this.maxOpen.get(openPath) ?? 0));
      res.on('close', () => {
        this.#open.set(openPath, (this.#open.get(openPath) ?? 1) - 1);
        this.ended.set(openPath, (this.ended.get(openPath) ?? 0) + 1);
      });
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        const secrets = this.#secrets.get(path) ?? new Map();
        const verifiedWith = [...secrets]
          .filter(([, secret]) => verifies(secret, body, req.headers, this.clock))
          .map(([n]) => n);
        const received = { path, headers: req.headers, body, verifiedWith };
        this.received.push(received);
        const count = (this.#counts.get(path) ?? 0) + 1;
        this.#counts.set(path, count);
        const behaviour = this.#behaviours.get(path) ?? { kind: 'ok' };
        switch (behaviour.kind) {
          case 'ok':
            res.writeHead(behaviour.status ?? 200).end(behaviour.body ?? 'ok');
            return;
          case 'fail':
            res
              .writeHead(count <= behaviour.times ? (behaviour.status ?? 500) : 200)
              .end(count <= behaviour.times ? 'failing' : 'ok');
            return;
          case 'hang':
            return; // never answer; the relay's timeout must fire
          case 'status':
            res.writeHead(behaviour.status, behaviour.headers).end(behaviour.body ?? '');
            return;
          case 'redirect':
            res.writeHead(302, { location: behaviour.location }).end();
            return;
          case 'decide':
            res.writeHead(behaviour.decide(received)).end();
            return;
        }
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
  }

  behave(path: string, behaviour: Behaviour): void {
    this.#behaviours.set(path, behaviour);
    this.#counts.set(path, 0);
  }

  /** Registers a secret (under a name) that deliveries to `path` are checked against. */
  trust(path: string, name: string, secret: string): void {
    const secrets = this.#secrets.get(path) ?? new Map<string, string>();
    secrets.set(name, secret);
    this.#secrets.set(path, secrets);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
