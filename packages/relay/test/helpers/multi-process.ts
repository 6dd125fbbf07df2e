// Several relay processes on one database, and a receiver that records each delivery attempt's
// timing, so a test can prove that no two attempts of one delivery ever overlapped.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('../fixtures/relay-process.mjs', import.meta.url));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A `hookline relay` child process (the built package, as the CLI runs it). */
export interface RelayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts a relay process with `env` on a free port and waits until /readyz answers 200. */
export async function startRelayProcess(env: NodeJS.ProcessEnv): Promise<RelayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, ...env, HOOKLINE_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`relay exited at start: ${stderr}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await pause(50);
  }
  return {
    url,
    child,
    stderr: () => stderr,
    async kill(signal) {
      // A process killed by a signal has a signalCode and no exitCode; it will not emit 'exit' again.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      return (await exited)[0] as number | null;
    },
  };
}

/** One delivery attempt as the receiver saw it; times are this process's monotonic ms. */
export interface RecordedAttempt {
  path: string;
  webhookId: string;
  type: string;
  arrivedAt: number;
  /** When the answer was sent, or the connection closed (the sender died): the attempt's end. */
  endedAt: number;
}

/**
 * Answers 200 after `holdMs`, recording every attempt. Holding each request open for a while
 * makes an overlap between two attempts of the same delivery visible if one ever happens.
 */
export class AttemptRecorder {
  readonly attempts: RecordedAttempt[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(holdMs: number) {
    this.#server = createHttpServer((req, res) => {
      const arrivedAt = performance.now();
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      let type = '';
      req.on('end', () => {
        try {
          type = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { type: string } }).data.type;
        } catch {
          type = 'unparsable';
        }
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(200).end('ok');
        }, holdMs);
      });
      res.on('close', () => {
        this.attempts.push({
          path: req.url ?? '/',
          webhookId: String(req.headers['webhook-id']),
          type,
          arrivedAt,
          endedAt: performance.now(),
        });
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

  /** Pairs of attempts of the same (webhook-id, destination) whose time spans overlap. */
  overlaps(): [RecordedAttempt, RecordedAttempt][] {
    const byDelivery = new Map<string, RecordedAttempt[]>();
    for (const attempt of this.attempts) {
      const key = `${attempt.webhookId} ${attempt.path}`;
      byDelivery.set(key, [...(byDelivery.get(key) ?? []), attempt]);
    }
    const found: [RecordedAttempt, RecordedAttempt][] = [];
    for (const attempts of byDelivery.values()) {
      attempts.sort((a, b) => a.arrivedAt - b.arrivedAt);
      for (let i = 1; i < attempts.length; i++) {
        const previous = attempts[i - 1] as RecordedAttempt;
        const current = attempts[i] as RecordedAttempt;
        if (current.arrivedAt < previous.endedAt) found.push([previous, current]);
      }
    }
    return found;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
