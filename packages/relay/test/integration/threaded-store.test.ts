// The store thread (store/threaded/) as the relay uses it: what crosses the thread boundary
// must come back as the same kinds of values and errors the callers test for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirectoryLockedError, openStore, type Store, StoreUnavailableError } from '@hookline/relay';
import { afterEach, describe, expect, it } from 'vitest';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close().catch(() => undefined)));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(dataDir = mkdtempSync(join(tmpdir(), 'hookline-thread-'))): Promise<Store> {
  dirs.push(dataDir);
  const store = await openStore({ dataDir, thread: true });
  stores.push(store);
  return store;
}

describe('a store in a store thread', () => {
  it('hands bodies back as Buffers, as the dispatcher and the log expect', async () => {
    const store = await open();
    expect(store.kind).toBe('sqlite');
    await store.insertDestination({
      id: 'dst_a',
      url: 'http://127.0.0.1:9/a',
      description: null,
      eventTypes: [],
      enabled: true,
      disabledReason: null,
      timeoutMs: 1_000,
      headers: {},
      retrySchedule: null,
      sealedSecret: 'v1.sealed',
      sealedPreviousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: T0,
      updatedAt: T0,
    });
    const body = Buffer.from('{"type":"event","data":{"type":"session.status_idled"}}');
    await store.ingest({
      id: 'evt_1',
      eventId: 'whe_1',
      sourceName: 'platform',
      type: 'session.status_idled',
      resourceId: 'sesn_1',
      createdAt: T0,
      receivedAt: T0,
      body,
    });
    const [claimed] = await store.claimDue({
      now: T0,
      limit: 10,
      owner: 'w',
      leaseMarginMs: 500,
      defaultTimeoutMs: 1_000,
    });
    expect(Buffer.isBuffer(claimed?.event.body)).toBe(true);
    expect(claimed?.event.body.toString('utf8')).toBe(body.toString('utf8'));
    const logged = await store.getEvent('whe_1');
    expect(Buffer.isBuffer(logged?.body)).toBe(true);
  });

  it('keeps the error classes callers test with instanceof', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-thread-'));
    await open(dataDir);
    // The data directory's lock is the process's: a second relay on it is refused.
    const second = openStore({ dataDir, thread: true });
    await expect(second).rejects.toBeInstanceOf(DataDirectoryLockedError);
    await expect(second).rejects.toThrow(/Another relay \(pid \d+\) uses this data directory/);
  });

  it('answers every call after close with StoreUnavailableError', async () => {
    const store = await open();
    await store.close();
    await expect(store.countEvents()).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close(); // closing twice is harmless
  });

  it("passes an open failure through with the driver's reason", async () => {
    const opening = openStore({ dataDir: tmpdir(), databaseUrl: 'postgres://postgres@127.0.0.1:1/none', thread: true });
    await expect(opening).rejects.toThrow(/ECONNREFUSED 127\.0\.0\.1:1/);
  });
});
