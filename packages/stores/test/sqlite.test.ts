import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDedupeStore } from '@hookline/stores';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { dedupeContract } from './contract/dedupe-contract.js';
import { uniqueName } from './services.js';

// A real database file, as an application would open it.
const dir = mkdtempSync(join(tmpdir(), 'hookline-sqlite-'));
const db = new Database(join(dir, 'dedupe.db'));
db.pragma('journal_mode = WAL');
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

dedupeContract(
  'sqlite (better-sqlite3, file)',
  (timing) => new SqliteDedupeStore(db, { ...timing, table: uniqueName('sqlite') }),
);

describe('SqliteDedupeStore specifics', () => {
  it('prune() deletes expired rows only', async () => {
    let now = 1_000_000;
    const table = uniqueName('prune');
    const store = new SqliteDedupeStore(db, { table, ttlSeconds: 10, leaseSeconds: 5, now: () => now });
    const a = await store.claim('a');
    if (a.status === 'claimed') await store.complete('a', a.token);
    await store.claim('b'); // abandoned lease
    now += 6_000;
    expect(await store.prune()).toBe(1); // b's lease ran out, a is remembered for 4 more seconds
    now += 5_000;
    expect(await store.prune()).toBe(1);
    expect(db.prepare(`SELECT count(*) AS n FROM "${table}"`).get()).toEqual({ n: 0 });
  });

  it('prunes automatically every `pruneEvery` claims', async () => {
    let now = 1_000_000;
    const table = uniqueName('autoprune');
    const store = new SqliteDedupeStore(db, { table, leaseSeconds: 1, pruneEvery: 3, now: () => now });
    await store.claim('x');
    await store.claim('y');
    now += 2_000;
    await store.claim('z'); // third claim: x and y have expired and go
    expect(db.prepare(`SELECT id FROM "${table}"`).all()).toEqual([{ id: 'z' }]);
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => new SqliteDedupeStore(db, { table: 'x; DROP TABLE y' })).toThrow(/table name/);
  });
});
