// The Store contract on both databases, below the HTTP layer: the outbox write, leases that
// exclude other workers until they expire, completion that refuses a lost lease, and claims
// that never hand the same delivery to two workers at once.
import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '@hookline/relay';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';

const variants = await databaseVariants('store_contract');
const T0 = Date.parse('2026-11-01T00:00:00Z');

function destination(id: string, eventTypes: string[] = [], enabled = true) {
  return {
    id,
    url: `http://127.0.0.1:9/${id}`,
    description: null,
    eventTypes,
    enabled,
    disabledReason: enabled ? null : 'off',
    timeoutMs: 1_000,
    headers: {},
    retrySchedule: null,
    sealedSecret: 'v1.sealed',
    sealedPreviousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: T0,
    updatedAt: T0,
  };
}

function event(n: number, type = 'session.status_idled') {
  return {
    id: `evt_${String(n).padStart(8, '0')}`,
    eventId: `whe_${randomBytes(16).toString('hex')}`,
    sourceName: 'platform',
    type,
    resourceId: 'sesn_1',
    createdAt: T0,
    receivedAt: T0,
    body: Buffer.from(`{"n":${n}}`),
  };
}

type ClaimExtras = Partial<Pick<Parameters<Store['claimDue']>[0], 'excludeDestinationIds' | 'lanes'>>;

const claim = (store: Store, owner: string, now = T0, limit = 100, extras: ClaimExtras = {}) =>
  store.claimDue({ now, limit, owner, leaseMarginMs: 500, defaultTimeoutMs: 1_000, ...extras });

// Each database twice: opened in this thread, and in a store thread (what the relay runs by
// default), where every call and result crosses a thread boundary.
const cases = variants.flatMap((variant) => [
  { variant, thread: false, label: variant.name },
  { variant, thread: true, label: `${variant.name} in a store thread` },
]);

describe.each(cases)('Store on $label', ({ variant, thread }) => {
  let store: Store;
  let config: ReturnType<typeof variant.fresh> & { thread: boolean };
  beforeEach(async () => {
    config = { ...variant.fresh(), thread };
    store = await openStore(config);
  });
  afterEach(() => store.close());
  afterAll(() => variant.cleanup());

  it('writes the event and one delivery per matching enabled destination, once', async () => {
    await store.insertDestination(destination('dst_a', ['session.*']));
    await store.insertDestination(destination('dst_b', ['vault.*']));
    await store.insertDestination(destination('dst_c', [], false));
    const e = event(1);
    expect(await store.ingest(e)).toMatchObject({ duplicate: false, deliveries: 1 });
    expect(await store.ingest({ ...e, id: 'evt_other' })).toMatchObject({
      duplicate: true,
      deliveries: 0,
      event: { id: e.id },
    });
    expect(await store.countEvents()).toBe(1);
    const stored = await store.getEvent(e.eventId);
    expect(stored?.body.equals(e.body)).toBe(true);
  });

  it('migrates idempotently: reopening keeps the data', async () => {
    await store.insertDestination(destination('dst_a'));
    await store.ingest(event(1));
    await store.close();
    store = await openStore(config);
    await store.migrate();
    expect(await store.countEvents()).toBe(1);
    expect(await store.getDestination('dst_a')).not.toBeNull();
  });

  it('leases a delivery to one worker until the lease expires, then to another', async () => {
    await store.insertDestination(destination('dst_a'));
    await store.ingest(event(1));
    const [first] = await claim(store, 'w1');
    expect(first?.destination.id).toBe('dst_a');
    expect(await claim(store, 'w2')).toHaveLength(0);
    expect(await claim(store, 'w2', T0 + 1_499)).toHaveLength(0); // timeout 1 s + margin 0.5 s
    const [again] = await claim(store, 'w2', T0 + 1_500);
    expect(again?.delivery.id).toBe(first?.delivery.id);

    // The first worker finishes late: its lease was taken over, so nothing is written.
    const attempt = {
      id: 'att_1',
      deliveryId: first?.delivery.id as string,
      attemptNumber: 1,
      manual: false,
      startedAt: T0,
      latencyMs: 5,
      statusCode: 200,
      errorClass: null,
      errorMessage: null,
      responseBody: 'ok',
      outcome: 'delivered',
    };
    const done = {
      attempt,
      status: 'delivered' as const,
      nextAttemptAt: null,
      countsTowardSchedule: true,
      now: T0 + 2_000,
    };
    expect(await store.completeAttempt({ ...done, owner: 'w1' })).toBe(false);
    expect(await store.listAttempts(attempt.deliveryId)).toHaveLength(0);
    expect(await store.completeAttempt({ ...done, owner: 'w2' })).toBe(true);
    expect(await store.getDelivery(attempt.deliveryId)).toMatchObject({
      status: 'delivered',
      attemptCount: 1,
      deliveredAt: T0 + 2_000,
    });
    expect(await claim(store, 'w3', T0 + 10_000)).toHaveLength(0);
  });

  it('skips disabled destinations and excluded lanes, and releases leases on request', async () => {
    await store.insertDestination(destination('dst_a'));
    await store.insertDestination(destination('dst_b'));
    await store.ingest(event(1));
    const claimed = await store.claimDue({
      now: T0,
      limit: 10,
      owner: 'w1',
      leaseMarginMs: 0,
      defaultTimeoutMs: 1,
      excludeDestinationIds: ['dst_a'],
    });
    expect(claimed.map((c) => c.destination.id)).toEqual(['dst_b']);
    await store.releaseLeases(
      'w1',
      claimed.map((c) => c.delivery.id),
    );
    await store.updateDestination('dst_a', { enabled: false, disabledReason: 'off' }, T0);
    expect((await claim(store, 'w2')).map((c) => c.destination.id)).toEqual(['dst_b']);
  });

  it("claims per destination at most its lane's free slots and caps, oldest due first", async () => {
    await store.insertDestination(destination('dst_a'));
    await store.insertDestination(destination('dst_b'));
    await store.insertDestination({ ...destination('dst_c'), maxInFlight: 4 });
    await store.insertDestination(destination('dst_d'));
    for (let n = 0; n < 6; n++) await store.ingest(event(n));
    const claimed = await claim(store, 'w1', T0, 100, {
      excludeDestinationIds: ['dst_d'],
      lanes: {
        defaultMaxInFlight: 3,
        inFlight: new Map([
          ['dst_a', 1],
          ['dst_c', 1],
        ]),
        caps: new Map([['dst_b', 1]]),
      },
    });
    const per = (id: string) => claimed.filter((c) => c.destination.id === id);
    expect(per('dst_a')).toHaveLength(2); // default 3, one in flight
    expect(per('dst_b')).toHaveLength(1); // capped (tokens, a probe)
    expect(per('dst_c')).toHaveLength(3); // its own max_in_flight 4, one in flight
    expect(per('dst_d')).toHaveLength(0); // excluded
    // Oldest first within a destination, and each comes with its event and destination.
    expect(per('dst_a').map((c) => c.event.id)).toEqual(['evt_00000000', 'evt_00000001']);
    expect(per('dst_c')[0]?.destination.maxInFlight).toBe(4);
    expect(per('dst_a')[0]?.event.body.toString()).toBe('{"n":0}');
    // The global limit still bounds the whole claim.
    const rest = await claim(store, 'w2', T0, 2, { lanes: { defaultMaxInFlight: 10, inFlight: new Map() } });
    expect(rest).toHaveLength(2);
  });

  it('claims depth × max_in_flight minus what is held, for deliveries held ready', async () => {
    await store.insertDestination(destination('dst_a'));
    for (let n = 0; n < 8; n++) await store.ingest(event(n));
    const claimed = await claim(store, 'w1', T0, 100, {
      lanes: { defaultMaxInFlight: 3, inFlight: new Map([['dst_a', 1]]), depth: 2 },
    });
    expect(claimed).toHaveLength(5); // 2 × 3 − 1
  });

  it('never hands one delivery to two concurrent claimers', async () => {
    await store.insertDestination(destination('dst_a'));
    for (let n = 0; n < 60; n++) await store.ingest(event(n));
    // PostgreSQL: separate pools, as separate processes would have (SKIP LOCKED decides).
    // SQLite: one process owns the file, so claimers share its serialised connection.
    const extra = variant.name === 'postgres' ? await Promise.all([openStore(config), openStore(config)]) : [];
    try {
      const stores = [store, ...extra];
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => claim(stores[i % stores.length] as Store, `w${i}`, T0, 15)),
      );
      const ids = results.flat().map((c) => c.delivery.id);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
      // Numbering happens at claim time; concurrent claimers still draw each number exactly once.
      const sequences = results.flat().map((c) => Number(c.delivery.sequence));
      expect(sequences.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    } finally {
      await Promise.all(extra.map((s) => s.close()));
    }
  });

  it('numbers deliveries when first claimed, in arrival order, and keeps each number', async () => {
    await store.insertDestination(destination('dst_a'));
    // Stored out of arrival order: the number follows arrival (created_at), not insertion.
    for (const n of [3, 1, 2, 4]) await store.ingest({ ...event(n), receivedAt: T0 + n });
    const numbers = (claimed: Awaited<ReturnType<typeof claim>>) =>
      Object.fromEntries(claimed.map((c) => [c.event.id, c.delivery.sequence]));
    // Due at arrival, so at T0 + 2 only events 1 and 2 are due.
    expect(numbers(await claim(store, 'w1', T0 + 2))).toEqual({ evt_00000001: 1, evt_00000002: 2 });
    // Leases expired: a re-claim keeps 1 and 2 and numbers the rest after them.
    const later = T0 + 10_000;
    expect(numbers(await claim(store, 'w2', later))).toEqual({
      evt_00000001: 1,
      evt_00000002: 2,
      evt_00000003: 3,
      evt_00000004: 4,
    });
    // A manual retry of a delivery no claim has taken yet draws the next number as well.
    await store.ingest({ ...event(5), receivedAt: later });
    const [fresh] = (await store.listDeliveries({ eventRowId: 'evt_00000005', limit: 1 })).items;
    expect(fresh?.sequence ?? null).toBeNull();
    const one = await store.claimOne(fresh?.id as string, {
      now: later,
      owner: 'w3',
      leaseMarginMs: 500,
      defaultTimeoutMs: 1_000,
    });
    expect(one?.delivery.sequence).toBe(5);
    expect((await store.getDelivery(fresh?.id as string))?.sequence).toBe(5);
  });

  it('numbers a destination 1..N without gaps or repeats while ingest and claims run concurrently', async () => {
    await store.insertDestination(destination('dst_seq'));
    const extra = variant.name === 'postgres' ? await Promise.all([openStore(config), openStore(config)]) : [];
    try {
      const stores = [store, ...extra];
      const claimed: number[] = [];
      const claimAll = async (round: number) => {
        const batches = await Promise.all(stores.map((s, i) => claim(s, `r${round}w${i}`, T0, 7)));
        for (const batch of batches) for (const c of batch) claimed.push(Number(c.delivery.sequence));
      };
      for (let round = 0; round < 8; round++) {
        await Promise.all([
          ...stores.map((s, i) =>
            Promise.all(Array.from({ length: 5 }, (_, k) => s.ingest(event(1000 + round * 100 + i * 10 + k)))),
          ),
          claimAll(round),
        ]);
      }
      // Claims hold leases, so later rounds take only new deliveries; pick up the rest.
      for (let round = 8; claimed.length < 8 * 5 * stores.length && round < 40; round++) await claimAll(round);
      expect(claimed.sort((a, b) => a - b)).toEqual(Array.from({ length: 8 * 5 * stores.length }, (_, i) => i + 1));
    } finally {
      await Promise.all(extra.map((s) => s.close()));
    }
  });
  it('never deadlocks or repeats a number while claimers, ingest and a destination delete overlap', async () => {
    const ids = ['dst_p1', 'dst_p2', 'dst_p3', 'dst_p4'];
    for (const id of ids) {
      // One rated destination: its bucket is read and moved by the same claims.
      await store.insertDestination({ ...destination(id), ...(id === 'dst_p2' ? { ratePerSecond: 1_000_000 } : {}) });
    }
    const extra = variant.name === 'postgres' ? await Promise.all([openStore(config), openStore(config)]) : [];
    try {
      const stores = [store, ...extra];
      const numbers = new Map<string, number[]>(ids.map((id) => [id, []]));
      const claimRound = async (round: number) => {
        const batches = await Promise.all(
          [...stores, ...stores].map((s, i) => claim(s, `x${round}w${i}`, T0 + round, 3)),
        );
        for (const c of batches.flat()) numbers.get(c.destination.id)?.push(Number(c.delivery.sequence));
      };
      for (let round = 0; round < 12; round++) {
        await Promise.all([
          ...stores.map((s, i) =>
            Promise.all(Array.from({ length: 4 }, (_, k) => s.ingest(event(5000 + round * 100 + i * 10 + k)))),
          ),
          claimRound(round),
          round === 6 ? store.deleteDestination('dst_p4') : Promise.resolve(true),
        ]);
      }
      for (const id of ids.slice(0, 3)) {
        const seen = numbers.get(id) as number[];
        expect(seen.length).toBeGreaterThan(0);
        expect(new Set(seen).size).toBe(seen.length);
        expect(Math.max(...seen)).toBe(seen.length); // claims hold leases: each number once, 1..n
      }
    } finally {
      await Promise.all(extra.map((s) => s.close()));
    }
  });
});
