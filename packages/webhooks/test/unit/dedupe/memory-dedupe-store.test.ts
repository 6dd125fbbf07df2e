import { describe, expect, it } from 'vitest';
import { MemoryDedupeStore, WebhookConfigError } from '../../../src/index.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('MemoryDedupeStore', () => {
  it('claims once, reports in_progress with the lease left, then completed', async () => {
    const time = clock();
    const store = new MemoryDedupeStore({ leaseSeconds: 10, now: time.now });
    const claim = await store.claim('whe_1');
    expect(claim.status).toBe('claimed');
    time.advance(4000);
    expect(await store.claim('whe_1')).toEqual({ status: 'in_progress', retryAfterMs: 6000 });
    if (claim.status === 'claimed') await store.complete('whe_1', claim.token);
    expect(await store.claim('whe_1')).toEqual({ status: 'completed' });
  });

  it('lets a new delivery claim after the lease of a crashed one expires', async () => {
    const time = clock();
    const store = new MemoryDedupeStore({ leaseSeconds: 10, now: time.now });
    const crashed = await store.claim('whe_1');
    time.advance(10_001);
    const next = await store.claim('whe_1');
    expect(next.status).toBe('claimed');
    // The crashed holder coming back cannot release the new holder's claim.
    if (crashed.status === 'claimed') await store.release('whe_1', crashed.token);
    expect((await store.claim('whe_1')).status).toBe('in_progress');
  });

  it('forgets completed ids after the TTL', async () => {
    const time = clock();
    const store = new MemoryDedupeStore({ ttlSeconds: 60, now: time.now });
    const claim = await store.claim('whe_1');
    if (claim.status === 'claimed') await store.complete('whe_1', claim.token);
    time.advance(59_000);
    expect((await store.claim('whe_1')).status).toBe('completed');
    time.advance(1_001);
    expect((await store.claim('whe_1')).status).toBe('claimed');
  });

  it('is bounded: the least recently used ids are evicted first', async () => {
    const store = new MemoryDedupeStore({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c']) {
      const claim = await store.claim(id);
      if (claim.status === 'claimed') await store.complete(id, claim.token);
    }
    expect((await store.claim('a')).status).toBe('completed'); // touches a: b is now the oldest
    const d = await store.claim('d');
    expect(d.status).toBe('claimed');
    expect(store.size).toBe(3);
    expect((await store.claim('b')).status).toBe('claimed');
    expect((await store.claim('a')).status).toBe('completed');
  });

  it('rejects nonsensical timings', () => {
    expect(() => new MemoryDedupeStore({ ttlSeconds: 0 })).toThrow(WebhookConfigError);
    expect(() => new MemoryDedupeStore({ leaseSeconds: Number.NaN })).toThrow(/leaseSeconds/);
  });
});

describe('MemoryDedupeStore eviction in batches', () => {
  it('evicts the oldest tenth at once when full, never more than needed for small stores', async () => {
    const store = new MemoryDedupeStore({ maxEntries: 100 });
    for (let i = 0; i < 100; i++) await store.claim(`id-${i}`);
    expect(store.size).toBe(100);
    await store.claim('id-100');
    expect(store.size).toBe(90);
    expect((await store.claim('id-10')).status).toBe('claimed'); // evicted: ids 0–10 went first
    expect((await store.claim('id-11')).status).toBe('in_progress'); // kept
  });
});

describe('MemoryDedupeStore slots', () => {
  it('keeps every id right while its arrays grow past their first size', async () => {
    const store = new MemoryDedupeStore({ maxEntries: 5000 });
    const tokens = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const claim = await store.claim(`id-${i}`);
      if (claim.status !== 'claimed') throw new Error(`id-${i} was not claimed`);
      tokens.set(`id-${i}`, claim.token);
    }
    for (let i = 0; i < 3000; i += 2) await store.complete(`id-${i}`, tokens.get(`id-${i}`) as string);
    expect(store.size).toBe(3000);
    expect((await store.claim('id-0')).status).toBe('completed');
    expect((await store.claim('id-1')).status).toBe('in_progress');
    expect((await store.claim('id-2998')).status).toBe('completed');
    expect((await store.claim('id-2999')).status).toBe('in_progress');
  });

  it('never lets a token of an evicted or released claim touch the id that reuses its slot', async () => {
    const store = new MemoryDedupeStore({ maxEntries: 2 });
    const a = await store.claim('a');
    await store.claim('b');
    await store.claim('c'); // over the limit: a, the oldest, is evicted and its slot freed
    expect(store.size).toBe(2);
    const d = await store.claim('d'); // b is evicted; d takes a freed slot
    if (a.status !== 'claimed' || d.status !== 'claimed') throw new Error('expected claims');
    await store.release('d', a.token);
    await store.complete('a', a.token); // the evicted holder finishes: a is remembered anew
    expect((await store.claim('d')).status).toBe('in_progress');
    expect((await store.claim('a')).status).toBe('completed');
    await store.release('d', 'not-a-token');
    expect((await store.claim('d')).status).toBe('in_progress');
    await store.release('d', d.token);
    expect((await store.claim('d')).status).toBe('claimed');
  });
});
