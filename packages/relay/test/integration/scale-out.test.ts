// Scale-out on PostgreSQL: three relay processes on one database share ingress and delivery;
// one is SIGKILLed midway. Every accepted event reaches every matching destination (and none
// reaches a destination whose filter excludes it), and the receivers' timing proves that no two
// attempts of one delivery were ever in flight at once. Also: the api and worker roles, and a
// rate_per_second that several relays share.
import { randomBytes } from 'node:crypto';
import { startRelay } from '@hookline/relay';
import { createTestDelivery } from '@hookline/webhooks/testing';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { AttemptRecorder, type RelayProcess, startRelayProcess } from '../helpers/multi-process.js';
import { TestReceiver } from '../helpers/receiver.js';
import { startHarness } from '../helpers/relay-harness.js';

const postgres = (await databaseVariants('scale_out')).find((v) => v.name === 'postgres');
const EVENTS = 5_000;
const KILL_AT = 2_500; // accepted events at which one process is SIGKILLed
const TYPES = ['session.status_idled', 'session.thread_created', 'vault.created', 'agent.created'];
const DESTINATIONS: Record<string, string[]> = {
  sessions: ['session.*'],
  vaults: ['vault.*'],
  all: [],
  excluded: ['environment.*'], // no event sent matches: it must receive nothing
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wanted = (patterns: string[], type: string) =>
  patterns.length === 0 || patterns.some((p) => type.startsWith(p.slice(0, -1)));

/** Environment for relay processes sharing one fresh database, with their keys. */
function processSetup(variant: NonNullable<typeof postgres>) {
  const database = variant.fresh();
  const signingKey = `whsec_${randomBytes(32).toString('base64')}`;
  const adminToken = `hla_${randomBytes(16).toString('hex')}`;
  const env = {
    ANTHROPIC_WEBHOOK_SIGNING_KEY: signingKey,
    HOOKLINE_ADMIN_TOKEN: adminToken,
    HOOKLINE_MASTER_KEY: randomBytes(32).toString('hex'),
    HOOKLINE_DATA_DIR: database.dataDir,
    HOOKLINE_DATABASE_URL: database.databaseUrl,
    HOOKLINE_POSTGRES_SCHEMA: database.postgresSchema,
    HOOKLINE_LOG_LEVEL: 'error',
    HOOKLINE_ROLE: 'both',
    HOOKLINE_POLL_INTERVAL_MS: '100',
    // A killed process's leases run out 2 s (timeout) + 1 s after its last claim.
    HOOKLINE_LEASE_MARGIN_MS: '1000',
    HOOKLINE_ALLOW_NETWORKS: '127.0.0.0/8', // the SSRF guard would refuse the loopback receiver
  };
  return { env, signingKey, adminToken };
}

describe.skipIf(!postgres)('scale-out on PostgreSQL', () => {
  const variant = postgres as NonNullable<typeof postgres>;
  afterAll(() => variant.cleanup());

  it(`three processes share ${EVENTS} events; one is SIGKILLed; no delivery is lost or attempted twice at once`, {
    timeout: 180_000,
  }, async () => {
    const { env, signingKey, adminToken } = processSetup(variant);
    const receiver = await new AttemptRecorder(5).start();
    const processes: RelayProcess[] = [];
    try {
      for (let i = 0; i < 3; i++) processes.push(await startRelayProcess(env));
      const [first] = processes as [RelayProcess];
      for (const [name, eventTypes] of Object.entries(DESTINATIONS)) {
        const created = await fetch(`${first.url}/v1/destinations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url: receiver.url(`/${name}`), event_types: eventTypes, timeout_ms: 2000 }),
        });
        expect(created.status).toBe(201);
      }

      // Senders spread events over the live processes and retry elsewhere until one answers 200,
      // as the platform (behind a load balancer) would.
      const alive = new Set(processes);
      const accepted = new Map<string, string>(); // event id → type
      let next = 0;
      let killed: RelayProcess | undefined;
      let killing: Promise<unknown> | undefined;
      const sender = async (lane: number) => {
        while (next < EVENTS) {
          const index = next++;
          const type = TYPES[index % TYPES.length] as string;
          const id = `whe_${index.toString(16).padStart(32, '0')}`;
          const delivery = createTestDelivery({ type, key: signingKey, id });
          for (let attempt = 0; ; attempt++) {
            const targets = [...alive];
            const target = targets[(index + attempt + lane) % targets.length] as RelayProcess;
            const status = await fetch(`${target.url}/ingest/anthropic`, {
              method: 'POST',
              headers: delivery.headers,
              body: delivery.body,
            }).then(
              (r) => r.status,
              () => 0,
            );
            if (status === 200) break;
            if (status !== 0 && status !== 503) throw new Error(`unexpected ingress status ${status}`);
            await pause(10);
          }
          accepted.set(id, type);
          if (!killed && accepted.size >= KILL_AT) {
            killed = processes[1] as RelayProcess;
            alive.delete(killed);
            killing = killed.kill('SIGKILL');
          }
        }
      };
      const startedAt = Date.now();
      await Promise.all(Array.from({ length: 16 }, (_, lane) => sender(lane)));
      const ingressMs = Date.now() - startedAt;
      expect(await killing).toBeNull(); // killed by the signal, not exited
      expect(accepted.size).toBe(EVENTS);

      const delivered = (name: string) =>
        new Set(receiver.attempts.filter((a) => a.path === `/${name}`).map((a) => a.webhookId));
      const missing = () => {
        let count = 0;
        for (const [name, patterns] of Object.entries(DESTINATIONS)) {
          const got = delivered(name);
          for (const [id, type] of accepted) if (wanted(patterns, type) && !got.has(id)) count++;
        }
        return count;
      };
      const sentAt = Date.now();
      // The bound only turns a hang into a failure that says how many are missing.
      const giveUp = Date.now() + 120_000;
      while (missing() > 0 && Date.now() < giveUp) await pause(100);
      expect(missing(), 'accepted events not delivered to a matching destination').toBe(0);

      for (const attempt of receiver.attempts) {
        const patterns = DESTINATIONS[attempt.path.slice(1)] ?? [];
        expect(wanted(patterns, attempt.type), `${attempt.path} received ${attempt.type}`).toBe(true);
      }
      expect(receiver.attempts.filter((a) => a.path === '/excluded')).toEqual([]);
      const expectedDeliveries = EVENTS + EVENTS / 2 + EVENTS / 4; // all + sessions + vaults
      expect(receiver.attempts.length).toBeGreaterThanOrEqual(expectedDeliveries);
      const overlaps = receiver.overlaps();
      expect(overlaps.slice(0, 3), `${overlaps.length} overlapping attempts of one delivery`).toEqual([]);
      // Deliveries the killed process had in flight were attempted again by another one.
      console.info(
        `[scale-out] ${receiver.attempts.length} attempts for ${expectedDeliveries} deliveries (${
          receiver.attempts.length - expectedDeliveries
        } repeated after the SIGKILL); ingress took ${ingressMs} ms; the last arrived ${Date.now() - sentAt} ms after the last event was accepted`,
      );

      for (const relay of processes.filter((p) => p !== killed)) expect(await relay.kill('SIGTERM')).toBe(0);
    } finally {
      for (const relay of processes) await relay.kill('SIGKILL').catch(() => undefined);
      await receiver.stop();
    }
  });

  it('relays on one database share rate_per_second: together they start no more than it allows', async () => {
    // Each relay's own bucket would let it start 2 per second, 4 between them; the bucket
    // stored with the destination holds them to 2 per second together. Test clocks, so each
    // "second" is exact.
    const database = variant.fresh();
    const clockStart = Date.now();
    const config = { shutdownTimeoutMs: 100 };
    const one = await startHarness(variant, { database, clockStart, config });
    const two = await startHarness(variant, { database, clockStart, config });
    const receiver = await new TestReceiver(one.clock).start();
    try {
      const sourceKey = await one.source('platform');
      receiver.behave('/rated', { kind: 'ok' });
      const created = await one.api('POST', '/v1/destinations', { url: receiver.url('/rated'), rate_per_second: 2 });
      expect(created.status).toBe(201);
      receiver.trust('/rated', 'current', created.body.secret);
      for (let i = 0; i < 8; i++) await one.ingest('platform', sourceKey, 'session.status_idled');

      for (let second = 1; second <= 3; second++) {
        // Twice: a relay whose first claim found the bucket empty has nothing left to start.
        await Promise.all([one.relay.dispatcher.drain(), two.relay.dispatcher.drain()]);
        await Promise.all([one.relay.dispatcher.drain(), two.relay.dispatcher.drain()]);
        expect(receiver.at('/rated')).toHaveLength(2 * second);
        const deliveries = (await one.api('GET', `/v1/deliveries?destination_id=${created.body.id}`)).body.data as {
          status: string;
          attempt_count: number;
        }[];
        // The ones still waiting were parked by the bucket, not attempted.
        expect(deliveries.filter((d) => d.status === 'pending').every((d) => d.attempt_count === 0)).toBe(true);
        one.clock.advance(1_000);
        two.clock.advance(1_000);
      }
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      await receiver.stop();
    }
  });

  it('processes share the rate_per_second of a destination: together they stay within one bucket', {
    timeout: 60_000,
  }, async () => {
    const RATE = 10; // per second; the burst is one second's worth
    const EVENTS_SENT = 40;
    const { env, signingKey, adminToken } = processSetup(variant);
    const receiver = await new AttemptRecorder(0).start();
    const processes: RelayProcess[] = [];
    try {
      for (let i = 0; i < 2; i++) processes.push(await startRelayProcess(env));
      const [first, second] = processes as [RelayProcess, RelayProcess];
      const created = await fetch(`${first.url}/v1/destinations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url('/rated'), rate_per_second: RATE }),
      });
      expect(created.status).toBe(201);
      // Half the events through each process, so both have deliveries to claim at once.
      for (let i = 0; i < EVENTS_SENT; i++) {
        const delivery = createTestDelivery({ type: 'session.status_idled', key: signingKey });
        const target = i % 2 === 0 ? first : second;
        const response = await fetch(`${target.url}/ingest/anthropic`, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        });
        expect(response.status).toBe(200);
      }
      const giveUp = Date.now() + 30_000;
      while (receiver.attempts.length < EVENTS_SENT && Date.now() < giveUp) await pause(50);
      expect(receiver.attempts).toHaveLength(EVENTS_SENT);

      // One bucket allows at most RATE (the burst) plus RATE per second after the first start;
      // two buckets of their own would have let 2 × RATE through at once and taken half the time.
      const arrivals = receiver.attempts.map((a) => a.arrivedAt).sort((a, b) => a - b);
      const start = arrivals[0] as number;
      arrivals.forEach((at, index) => {
        const allowed = RATE + (RATE * (at - start)) / 1000 + 1; // +1: timer and network jitter
        expect(index + 1, `${index + 1} starts within ${Math.round(at - start)} ms`).toBeLessThanOrEqual(allowed);
      });
      const span = (arrivals.at(-1) as number) - start;
      expect(span).toBeGreaterThanOrEqual(((EVENTS_SENT - RATE - 1) / RATE) * 1000);
      // And the rate is used, not starved by the processes waiting on each other.
      expect(span).toBeLessThan(((EVENTS_SENT - RATE) / RATE) * 1000 * 2);
      for (const relay of processes) expect(await relay.kill('SIGTERM')).toBe(0);
    } finally {
      for (const relay of processes) await relay.kill('SIGKILL').catch(() => undefined);
      await receiver.stop();
    }
  });

  it('an api process ingests without dispatching; a worker dispatches and serves only health and metrics', async () => {
    const database = variant.fresh();
    const key = `whsec_${randomBytes(32).toString('base64')}`;
    const credentials = { adminToken: 'hla_roles', masterKey: randomBytes(32), adminTokenSource: 'test' };
    const logger = pino({ level: 'silent' });
    // The receiver is on loopback, which the SSRF guard refuses unless allowed.
    const base = { ...database, port: 0, anthropicSigningKey: key, pollIntervalMs: 50, allowNetworks: '127.0.0.0/8' };
    const receiver = await new TestReceiver({ now: () => Date.now() }).start();
    const api = await startRelay({ config: { ...base, role: 'api' }, credentials, logger });
    try {
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { database: 'ok', dispatcher: 'not run (role api)' } });
      const headers = { authorization: 'Bearer hla_roles', 'content-type': 'application/json' };
      const created = await fetch(`${api.url}/v1/destinations`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ url: receiver.url('/roles') }),
      });
      expect(created.status).toBe(201);
      const delivery = createTestDelivery({ type: 'session.status_idled', key });
      const ingested = await fetch(`${api.url}/ingest/anthropic`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(ingested.status).toBe(200);
      await pause(300); // six poll intervals: an api process that dispatched would have sent it
      expect(receiver.at('/roles')).toHaveLength(0);

      const worker = await startRelay({ config: { ...base, role: 'worker' }, credentials, logger });
      try {
        while (receiver.at('/roles').length === 0) await pause(20);
        expect(receiver.at('/roles')[0]?.headers['webhook-id']).toBe(delivery.id);
        for (const path of ['/healthz', '/readyz', '/metrics'])
          expect((await fetch(`${worker.url}${path}`)).status).toBe(200);
        const refused = await fetch(`${worker.url}/v1/destinations`, { headers });
        expect(refused.status).toBe(404);
        expect(await refused.json()).toMatchObject({ error: { code: 'no_route' } });
        expect((await fetch(`${worker.url}/ingest/anthropic`, { method: 'POST' })).status).toBe(404);
      } finally {
        await worker.stop();
      }
    } finally {
      await api.stop();
      await receiver.stop();
    }
  });
});

describe('process roles on SQLite', () => {
  it('are refused: one process owns a SQLite data directory', async () => {
    const [sqlite] = await databaseVariants('scale_out_sqlite');
    const config = { ...sqlite?.fresh(), port: 0, role: 'worker' as const };
    await expect(startRelay({ config, logger: pino({ level: 'silent' }) })).rejects.toThrow(
      /--role worker needs PostgreSQL/,
    );
    await sqlite?.cleanup();
  });
});
