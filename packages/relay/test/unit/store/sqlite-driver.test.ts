import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';

describe('SqliteDriver', () => {
  let db: SqliteDriver;
  beforeEach(() => {
    db = new SqliteDriver({ path: join(mkdtempSync(join(tmpdir(), 'hookline-sd-')), 'x.db'), synchronous: 'FULL' });
  });
  afterEach(() => db.close());

  const synchronous = async (tx: { query: SqliteDriver['query'] }) =>
    Number((await tx.query('PRAGMA synchronous'))[0]?.synchronous);

  it('commits a non-durable transaction without fsync (NORMAL) and restores FULL afterwards', async () => {
    expect(await synchronous(db)).toBe(2); // FULL
    expect(await db.transaction(synchronous, { durable: false })).toBe(1); // NORMAL
    expect(await synchronous(db)).toBe(2);
    expect(await db.transaction(synchronous)).toBe(2);
  });

  it('restores FULL when a non-durable transaction fails', async () => {
    await expect(
      db.transaction(
        async () => {
          throw new Error('boom');
        },
        { durable: false },
      ),
    ).rejects.toThrow('boom');
    expect(await synchronous(db)).toBe(2);
  });
});
