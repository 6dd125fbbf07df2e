import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';

/** A stand-in for fdatasync that records each call and completes only when told to. */
function controlledSync() {
  const calls: { fd: number; finish(error?: Error): void }[] = [];
  const syncFile = (fd: number) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ fd, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, syncFile };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Completes every flush `promise` asks for until it settles. */
async function flushedThrough<T>(sync: ReturnType<typeof controlledSync>, promise: Promise<T>): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  while (!settled) {
    await tick();
    for (const call of sync.calls.splice(0)) call.finish();
  }
  return watched;
}

describe('SqliteDriver durability (synchronous FULL on a WAL database)', () => {
  let db: SqliteDriver;
  let path: string;
  afterEach(async () => {
    for (const call of sync?.calls ?? []) call.finish();
    await db.close();
  });
  let sync: ReturnType<typeof controlledSync> | undefined;

  async function open() {
    sync = controlledSync();
    path = join(mkdtempSync(join(tmpdir(), 'hookline-sd-')), 'x.db');
    db = new SqliteDriver({ path, synchronous: 'FULL', syncFile: sync.syncFile });
    await flushedThrough(sync, db.migrate());
    await flushedThrough(sync, db.query('CREATE TABLE t (n INTEGER)'));
    return sync;
  }

  it('commits without an fsync inside COMMIT and resolves only after flushing the WAL', async () => {
    const { calls } = await open();
    expect(Number((await db.query('PRAGMA synchronous'))[0]?.synchronous)).toBe(1); // NORMAL on the connection
    let done = false;
    const write = db
      .transaction((tx) => tx.query('INSERT INTO t VALUES (1)'))
      .then(() => {
        done = true;
      });
    await tick();
    // Committed (another connection sees it) but not acknowledged until the flush completes.
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
    reader.close();
    expect(calls).toHaveLength(1);
    expect(done).toBe(false);
    calls[0]?.finish();
    await write;
    expect(done).toBe(true);
  });

  it('lets the next transaction run during a flush, and flushes what it committed after', async () => {
    const { calls } = await open();
    const first = db.transaction((tx) => tx.query('INSERT INTO t VALUES (1)'));
    await tick();
    expect(calls).toHaveLength(1);
    // The second commits while the first's flush is under way, so that flush may not cover it.
    const second = db.transaction((tx) => tx.query('INSERT INTO t VALUES (2)'));
    const third = db.transaction((tx) => tx.query('INSERT INTO t VALUES (3)'));
    await tick();
    expect(Number((await db.query('SELECT COUNT(*) AS n FROM t'))[0]?.n)).toBe(3);
    expect(calls).toHaveLength(1);
    calls[0]?.finish();
    await first;
    const early: string[] = [];
    void second.then(() => early.push('second'));
    void third.then(() => early.push('third'));
    await tick();
    expect(early).toEqual([]);
    // One more flush covers both commits made during the first.
    expect(calls).toHaveLength(2);
    calls[1]?.finish();
    await Promise.all([second, third]);
  });

  it('does not wait for the disk for a non-durable transaction or a read', async () => {
    const { calls } = await open();
    await db.transaction((tx) => tx.query('INSERT INTO t VALUES (1)'), { durable: false });
    await db.query('SELECT * FROM t');
    expect(calls).toHaveLength(0);
  });

  it('flushes a write made outside a transaction, RETURNING included', async () => {
    const { calls } = await open();
    const write = db.query('INSERT INTO t VALUES (7) RETURNING n');
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.finish();
    expect(await write).toEqual([{ n: 7 }]);
  });

  it('fails the write, and every call after it, when a flush fails', async () => {
    const { calls } = await open();
    const write = db.transaction((tx) => tx.query('INSERT INTO t VALUES (1)'));
    await tick();
    calls[0]?.finish(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(write).rejects.toMatchObject({
      name: 'StoreUnavailableError',
      message: expect.stringContaining('Flushing the SQLite WAL to disk failed: EIO'),
    });
    await expect(db.query('SELECT 1')).rejects.toThrow(/Flushing the SQLite WAL to disk failed/);
  });
});

describe('SqliteDriver with synchronous NORMAL', () => {
  it('never flushes: a crash-safe, not power-safe, setting', async () => {
    const sync = controlledSync();
    const db = new SqliteDriver({
      path: join(mkdtempSync(join(tmpdir(), 'hookline-sd-')), 'x.db'),
      synchronous: 'NORMAL',
      syncFile: sync.syncFile,
    });
    await db.migrate();
    await db.transaction((tx) => tx.query('CREATE TABLE t (n INTEGER)'));
    expect(sync.calls).toHaveLength(0);
    await db.close();
  });
});
