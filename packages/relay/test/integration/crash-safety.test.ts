// Crash safety: the relay runs as a child process and is killed with SIGKILL several times
// while 2,000 signed events are posted. Afterwards every event that got a 200 at ingress has
// been delivered at least once to every matching destination, and never to one whose filter
// excludes it. Senders retry until they get a 200, as the platform would.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTestDelivery } from '@hookline/webhooks/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { TestReceiver } from '../helpers/receiver.js';

const variants = await databaseVariants('crash');
const CHILD = fileURLToPath(new URL('../fixtures/relay-process.mjs', import.meta.url));
const EVENTS = 2_000;
const KILL_AFTER = [300, 800, 1_300]; // accepted-event counts at which the relay is SIGKILLed
const TYPES = ['session.status_idled', 'session.thread_created', 'vault.created', 'agent.created'];

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(variants)('crash safety on $name', (variant) => {
  afterAll(() => variant.cleanup());

  it(`delivers every acknowledged event after ${KILL_AFTER.length} SIGKILLs`, { timeout: 180_000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const signingKey = `whsec_${randomBytes(32).toString('base64')}`;
    const adminToken = `hla_${randomBytes(16).toString('hex')}`;
    const fresh = variant.fresh();
    const env = {
      ...process.env,
      ANTHROPIC_WEBHOOK_SIGNING_KEY: signingKey,
      HOOKLINE_ADMIN_TOKEN: adminToken,
      HOOKLINE_MASTER_KEY: randomBytes(32).toString('hex'),
      HOOKLINE_DATA_DIR: fresh.dataDir,
      HOOKLINE_DATABASE_URL: fresh.databaseUrl ?? '',
      HOOKLINE_POSTGRES_SCHEMA: fresh.postgresSchema ?? '',
      HOOKLINE_PORT: String(port),
      HOOKLINE_LOG_LEVEL: 'error',
      // A killed worker's leases expire quickly on PostgreSQL (SQLite frees them at start).
      HOOKLINE_LEASE_MARGIN_MS: '500',
      HOOKLINE_POLL_INTERVAL_MS: '100',
      // The destinations listen on loopback, which the SSRF guard refuses unless allowed.
      HOOKLINE_ALLOW_NETWORKS: '127.0.0.0/8',
    };
    let child: ChildProcess | undefined;
    let stderr = '';
    const start = async () => {
      child = spawn(process.execPath, [CHILD], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      for (;;) {
        if (child.exitCode !== null) throw new Error(`relay exited at start: ${stderr}`);
        const ok = await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await pause(50);
      }
    };
    const kill = async () => {
      const exited = once(child as ChildProcess, 'exit');
      child?.kill('SIGKILL');
      await exited;
    };

    const receiver = await new TestReceiver({ now: () => Date.now() }).start();
    try {
      await start();
      const api = (method: string, path: string, body?: unknown) =>
        fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }).then((r) => r.json() as Promise<{ secret: string }>);
      const destinations = { sessions: ['session.*'], vaults: ['vault.*'], all: [] as string[] };
      for (const [name, eventTypes] of Object.entries(destinations)) {
        const created = await api('POST', '/v1/destinations', {
          url: receiver.url(`/${name}`),
          event_types: eventTypes,
          timeout_ms: 2000,
        });
        receiver.trust(`/${name}`, 'secret', created.secret);
      }

      const accepted = new Map<string, string>(); // event id → type
      const kills: number[] = [...KILL_AFTER];
      let next = 0;
      let restarting: Promise<void> | undefined;
      const sender = async () => {
        while (next < EVENTS) {
          const index = next++;
          const type = TYPES[index % TYPES.length] as string;
          const id = `whe_${index.toString(16).padStart(32, '0')}`;
          for (;;) {
            await restarting;
            const delivery = createTestDelivery({ type, key: signingKey, id });
            const status = await fetch(`${base}/ingest/anthropic`, {
              method: 'POST',
              headers: delivery.headers,
              body: delivery.body,
            }).then(
              (r) => r.status,
              () => 0,
            );
            if (status === 200) {
              accepted.set(id, type);
              break;
            }
            if (status !== 0 && status !== 503) throw new Error(`unexpected ingress status ${status}`);
            await pause(20);
          }
          if (kills.length > 0 && accepted.size >= (kills[0] as number) && !restarting) {
            kills.shift();
            restarting = (async () => {
              await kill();
              await start();
            })().finally(() => {
              restarting = undefined;
            });
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, sender));
      await restarting;
      expect(accepted.size).toBe(EVENTS);
      expect(kills).toEqual([]);

      const wanted = (name: keyof typeof destinations, type: string) =>
        destinations[name].length === 0 || destinations[name].some((p) => type.startsWith(p.slice(0, -1)));
      const missing = () => {
        let count = 0;
        for (const name of Object.keys(destinations) as (keyof typeof destinations)[]) {
          const got = new Set(receiver.at(`/${name}`).map((r) => r.headers['webhook-id']));
          for (const [id, type] of accepted) if (wanted(name, type) && !got.has(id)) count++;
        }
        return count;
      };
      // Wait for the dispatcher to catch up. The bound only turns a hang into a failure that says
      // how many deliveries are missing; nothing asserts on how long it took.
      const giveUp = Date.now() + 120_000;
      while (missing() > 0 && Date.now() < giveUp) await pause(100);

      for (const name of Object.keys(destinations) as (keyof typeof destinations)[]) {
        for (const delivery of receiver.at(`/${name}`)) {
          const type = JSON.parse(delivery.body).data.type as string;
          expect(wanted(name, type), `${name} received ${type}`).toBe(true);
          expect(delivery.verifiedWith).toEqual(['secret']);
        }
      }
      expect(missing(), 'acknowledged events not delivered to a matching destination').toBe(0);

      const stopped = once(child as unknown as ChildProcess, 'exit');
      child?.kill('SIGTERM');
      const [code] = await stopped;
      expect(code).toBe(0);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await receiver.stop();
    }
  });
});
