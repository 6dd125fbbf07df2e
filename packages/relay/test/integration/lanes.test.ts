// Per-destination lanes, once per database: a hanging destination fills only its own
// `max_in_flight` slots, so another destination keeps flowing; `rate_per_second` is enforced
// and parks the excess without spending retry attempts. Time comes from the injected clock.
import type { Store } from '@hookline/relay';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { TestReceiver } from '../helpers/receiver.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';
import { TestClock } from '../helpers/test-clock.js';

const variants = await databaseVariants('lanes');
const pause = () => new Promise((resolve) => setTimeout(resolve, 10));

describe.each(variants)('lanes on $name', (variant) => {
  let h: Harness | undefined;
  let receiver: TestReceiver;
  let key: string;

  beforeAll(async () => {
    receiver = await new TestReceiver(new TestClock()).start();
  });
  afterAll(async () => {
    await receiver.stop();
    await variant.cleanup();
  });
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  async function start(config: Record<string, unknown> = {}, wrapStore?: (store: Store) => Store): Promise<Harness> {
    h = await startHarness(variant, {
      config: { shutdownTimeoutMs: 100, ...config },
      ...(wrapStore ? { wrapStore } : {}),
    });
    receiver.clock = h.clock;
    key = await h.source('platform');
    return h;
  }

  async function destination(relay: Harness, path: string, extra: Record<string, unknown> = {}) {
    const created = await relay.api('POST', '/v1/destinations', { url: receiver.url(path), ...extra });
    expect(created.status).toBe(201);
    receiver.trust(path, 'current', created.body.secret);
    return created.body as { id: string; max_in_flight: number | null; rate_per_second: number | null };
  }

  it('a hanging destination holds only its own slots: the other gets every delivery before the first hang ends', async () => {
    // A global cap of 4 makes this fail without per-destination lanes: the hanging destination
    // would take every slot and the other would wait for its timeouts.
    const relay = await start({ maxInFlight: 4 });
    const hang = `/hang-${variant.name}`;
    const fast = `/fast-${variant.name}`;
    receiver.behave(hang, { kind: 'hang' });
    receiver.behave(fast, { kind: 'ok' });
    const slow = await destination(relay, hang, { max_in_flight: 2, timeout_ms: 3_000 });
    expect(slow.max_in_flight).toBe(2);
    await destination(relay, fast);
    for (let i = 0; i < 20; i++) expect((await relay.ingest('platform', key, 'session.status_idled')).status).toBe(200);

    relay.relay.dispatcher.start();
    while (receiver.at(fast).length < 20 && (receiver.ended.get(hang) ?? 0) === 0) await pause();

    // Facts the receivers saw: all 20 fast deliveries arrived while the hanging destination's
    // first attempts were still open, and it never had more than its 2 slots.
    expect(receiver.at(fast)).toHaveLength(20);
    expect(receiver.ended.get(hang) ?? 0).toBe(0);
    expect(receiver.maxOpen.get(hang)).toBe(2);
    expect(receiver.at(hang)).toHaveLength(2);
    expect(receiver.at(fast).every((r) => r.verifiedWith.includes('current'))).toBe(true);
  });

  it('destinations on one host share no connection limit: a hanging path with many slots delays no other path', async () => {
    // Every destination here is on the receiver's one origin. The sender used to cap connections
    // per origin at 32: a hanging destination allowed 40 attempts took all 32, and the other
    // destination's requests queued inside the HTTP client until the hanging ones timed out.
    const relay = await start();
    const hang = `/host-hang-${variant.name}`;
    const fast = `/host-fast-${variant.name}`;
    receiver.behave(hang, { kind: 'hang' });
    receiver.behave(fast, { kind: 'ok' });
    await destination(relay, hang, { max_in_flight: 40, timeout_ms: 5_000 });
    await destination(relay, fast);
    for (let i = 0; i < 40; i++) expect((await relay.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    relay.relay.dispatcher.start();
    while (receiver.at(fast).length < 40 && (receiver.ended.get(hang) ?? 0) === 0) await pause();
    expect(receiver.at(fast)).toHaveLength(40);
    expect(receiver.ended.get(hang) ?? 0).toBe(0);
    expect(receiver.maxOpen.get(hang)).toBe(40);
  });

  it("enforces a destination's own max_in_flight", async () => {
    const relay = await start();
    const path = `/capped-${variant.name}`;
    receiver.behave(path, { kind: 'hang' });
    await destination(relay, path, { max_in_flight: 3, timeout_ms: 200 });
    for (let i = 0; i < 7; i++) await relay.ingest('platform', key, 'session.status_idled');
    await relay.relay.dispatcher.drain();
    expect(receiver.at(path)).toHaveLength(7);
    expect(receiver.maxOpen.get(path)).toBe(3);
  });

  it('enforces rate_per_second and parks the excess without spending attempts', async () => {
    const relay = await start();
    const path = `/rated-${variant.name}`;
    receiver.behave(path, { kind: 'ok' });
    const dest = await destination(relay, path, { rate_per_second: 1 });
    expect(dest.rate_per_second).toBe(1);
    for (let i = 0; i < 4; i++) await relay.ingest('platform', key, 'session.status_idled');

    for (let second = 1; second <= 4; second++) {
      await relay.relay.dispatcher.drain();
      expect(receiver.at(path)).toHaveLength(second);
      const deliveries = (await relay.api('GET', `/v1/deliveries?destination_id=${dest.id}`)).body.data as {
        status: string;
        attempt_count: number;
      }[];
      // The ones still waiting were never attempted: the bucket parked them, it did not fail them.
      expect(deliveries.filter((d) => d.status === 'pending').every((d) => d.attempt_count === 0)).toBe(true);
      expect(deliveries.filter((d) => d.status === 'delivered')).toHaveLength(second);
      relay.clock.advance(1_000);
    }
  });

  it('claims only what the lanes admit: nothing claimed is handed back unattempted', async () => {
    // The claim used to take the 50 oldest due deliveries and release every one a lane refused
    // (~800 release transactions per 1,000 claims); now each destination's free slots bound it.
    const relay = await start();
    const capped = `/claim-capped-${variant.name}`;
    const wide = `/claim-wide-${variant.name}`;
    receiver.behave(capped, { kind: 'ok' });
    receiver.behave(wide, { kind: 'ok' });
    await destination(relay, capped, { max_in_flight: 2 });
    await destination(relay, wide, { max_in_flight: 5 });
    for (let i = 0; i < 30; i++) await relay.ingest('platform', key, 'session.status_idled');
    await relay.relay.dispatcher.drain();
    expect(receiver.at(capped)).toHaveLength(30);
    expect(receiver.at(wide)).toHaveLength(30);
    expect(receiver.maxOpen.get(capped)).toBeLessThanOrEqual(2);
    expect(receiver.maxOpen.get(wide)).toBeLessThanOrEqual(5);
    expect(relay.relay.dispatcher.releasedLeases).toBe(0);
  });

  it('drain() does not stop on an empty claim made while attempts that then ended still filled a lane', async () => {
    // A claim made while a lane is full takes nothing from it; if that lane's attempts end while
    // the claim waits for the database, the lane is free again when the empty claim returns.
    // drain() used to stop there, leaving due deliveries behind (seen under load on PostgreSQL).
    // Each claim here waits 300 ms, far longer than an attempt to the loopback receiver.
    const slowClaims = (store: Store): Store =>
      new Proxy(store, {
        get(target, property) {
          if (property === 'claimDue') {
            return async (options: Parameters<Store['claimDue']>[0]) => {
              const claimed = await target.claimDue(options);
              await new Promise((resolve) => setTimeout(resolve, 300));
              return claimed;
            };
          }
          const value = Reflect.get(target, property);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const relay = await start({}, slowClaims);
    const path = `/drain-race-${variant.name}`;
    receiver.behave(path, { kind: 'ok' });
    await destination(relay, path, { max_in_flight: 1 });
    for (let i = 0; i < 4; i++) await relay.ingest('platform', key, 'session.status_idled');
    await relay.relay.dispatcher.drain();
    expect(receiver.at(path)).toHaveLength(4);
  });

  it('claims no more than the rate limit has tokens for', async () => {
    const relay = await start();
    const path = `/claim-rated-${variant.name}`;
    receiver.behave(path, { kind: 'ok' });
    await destination(relay, path, { rate_per_second: 3 });
    for (let i = 0; i < 10; i++) await relay.ingest('platform', key, 'session.status_idled');
    await relay.relay.dispatcher.drain(); // the first claim meets the rate: the bucket is new
    relay.clock.advance(1_000);
    const before = relay.relay.dispatcher.releasedLeases;
    await relay.relay.dispatcher.drain();
    expect(receiver.at(path)).toHaveLength(6);
    expect(relay.relay.dispatcher.releasedLeases).toBe(before);
  });

  it('shares the global maxInFlight between destinations when their lanes add up to more', async () => {
    // Two lanes of 4 behind a global cap of 4: every freed slot is contested. Started in Map
    // order, the first destination's ever-refilled queue took every slot and the second waited.
    const relay = await start({ maxInFlight: 4, maxInFlightPerDestination: 4 });
    const first = `/share-a-${variant.name}`;
    const second = `/share-b-${variant.name}`;
    const order: string[] = [];
    for (const path of [first, second]) {
      receiver.behave(path, {
        kind: 'decide',
        decide: () => {
          order.push(path);
          return 200;
        },
      });
      await destination(relay, path);
    }
    for (let i = 0; i < 40; i++) await relay.ingest('platform', key, 'session.status_idled');
    await relay.relay.dispatcher.drain();
    expect(order).toHaveLength(80);
    const firstHalf = order.slice(0, 40);
    expect(firstHalf.filter((path) => path === second).length).toBeGreaterThanOrEqual(12);
    expect(firstHalf.filter((path) => path === first).length).toBeGreaterThanOrEqual(12);
  });

  it('validates lane settings', async () => {
    const relay = await start();
    const bad = [{ max_in_flight: 0 }, { max_in_flight: 1.5 }, { rate_per_second: 0 }, { rate_per_second: 'fast' }];
    for (const extra of bad) {
      const created = await relay.api('POST', '/v1/destinations', { url: receiver.url('/x'), ...extra });
      expect(created.status).toBe(422);
    }
  });
});
