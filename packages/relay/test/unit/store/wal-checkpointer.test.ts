// The WAL checkpointer on real SQLite files. A page reaches the database file only through a
// checkpoint, and the main connection never checkpoints by itself here, so the database file
// growing while the WAL holds the pages shows who checkpointed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';
import type { WalCheckpointerOptions } from '../../../src/store/sqlite/wal-checkpointer.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const size = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/** Waits for a condition; the bound only turns a hang into a failure, nothing asserts on time. */
async function eventually(condition: () => boolean): Promise<boolean> {
  const giveUp = Date.now() + 20_000;
  while (!condition() && Date.now() < giveUp) await pause(20);
  return condition();
}

describe('WalCheckpointer', () => {
  const open: SqliteDriver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.close()));
  });

  async function driver(checkpoint: WalCheckpointerOptions) {
    const path = join(mkdtempSync(join(tmpdir(), 'hookline-wal-')), 'x.db');
    const problems: string[] = [];
    const db = new SqliteDriver({
      path,
      synchronous: 'FULL',
      checkpoint: { onProblem: (message) => problems.push(message), ...checkpoint },
    });
    open.push(db);
    await db.query('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const write = async (commits: number) => {
      for (let i = 0; i < commits; i++) {
        await db.transaction(async (tx) => {
          for (let row = 0; row < 10; row++) await tx.query('INSERT INTO t (body) VALUES (?)', ['x'.repeat(400)]);
        });
      }
    };
    return { db, path, problems, write };
  }

  it('moves WAL pages into the database file from the worker, not inside COMMIT', async () => {
    const { path, problems, write } = await driver({});
    const before = size(path);
    await write(100); // ~1 MB of WAL, below every threshold of the main connection
    expect(await eventually(() => size(path) > before), 'pages checkpointed into the database file').toBe(true);

    const other = new Database(path);
    try {
      // Everything the worker saw is copied; a checkpoint from another connection finds the counts equal.
      const [row] = other.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      expect(row?.checkpointed).toBe(row?.log);
      expect(other.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1000 });
    } finally {
      other.close();
    }
    expect(problems).toEqual([]);
  });

  it('checkpoints after statements that commit by themselves (no transaction) too', async () => {
    const { db, path, problems } = await driver({});
    const before = size(path);
    for (let i = 0; i < 1000; i++) await db.query('INSERT INTO t (body) VALUES (?)', ['x'.repeat(400)]);
    expect(await eventually(() => size(path) > before), 'pages checkpointed into the database file').toBe(true);
    expect(problems).toEqual([]);
  });

  it('starts the WAL over under continuous writes, so its file does not grow without bound', async () => {
    const { path, problems, write } = await driver({
      thresholdPages: 10, // a WAL file started over shrinks back to 10 pages
      restartAfterPages: 50,
      hardLimitPages: 1_000_000, // never checkpoint on the relay's thread here
      minIntervalMs: 0,
    });
    let largest = 0;
    let shrank = false;
    for (let round = 0; round < 200 && !shrank; round++) {
      await write(5);
      await pause(1); // the relay's event loop turns between batches; a tight loop never lets go of the writer lock
      const wal = size(`${path}-wal`);
      shrank = wal < largest;
      largest = Math.max(largest, wal);
    }
    expect(shrank, 'the WAL file shrank while writes went on').toBe(true);
    expect(problems).toEqual([]);
  });

  it('leaves no WAL content behind when closed', async () => {
    const { db, path, write } = await driver({});
    await write(50);
    await db.close();
    expect(size(`${path}-wal`)).toBe(0);
    expect(existsSync(`${path}-shm`)).toBe(false);
    const reopened = new Database(path, { readonly: true });
    try {
      expect(reopened.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 500 });
    } finally {
      reopened.close();
    }
  });

  it('checkpoints on the relay thread when the worker cannot start', async () => {
    const missing = pathToFileURL(join(tmpdir(), 'hookline-no-such-checkpoint-worker.js'));
    const { path, problems, write } = await driver({ workerUrl: missing, thresholdPages: 50 });
    await write(1);
    expect(await eventually(() => problems.length > 0)).toBe(true);
    expect(problems[0]).toMatch(/worker failed; checkpointing on the relay's thread/);
    const before = size(path);
    await write(50); // ~250 pages: SQLite's own checkpoint at 50 pages runs inside these commits
    expect(size(path)).toBeGreaterThan(before);
  });

  it("checkpoints on the relay thread past the hard limit when the worker doesn't keep up", async () => {
    // A worker that takes requests and never answers them (it only obeys `stop`).
    const silent = join(mkdtempSync(join(tmpdir(), 'hookline-wal-worker-')), 'silent-worker.mjs');
    writeFileSync(
      silent,
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', (m) => m.type === 'stop' && parentPort.close());\n",
    );
    const { path, problems, write } = await driver({
      workerUrl: pathToFileURL(silent),
      thresholdPages: 20,
      hardLimitPages: 100,
    });
    const before = size(path);
    await write(60); // ~300 pages
    expect(
      problems.some((message) => /^The WAL reached \d+ pages; checkpointed on the relay's thread/.test(message)),
    ).toBe(true);
    expect(size(path)).toBeGreaterThan(before);
  });
});

describe('WalCheckpointer and SIGKILL', () => {
  const WRITER = fileURLToPath(new URL('../../fixtures/sqlite-writer.mjs', import.meta.url));

  /** Runs the writer until it has acknowledged `until` rows, then SIGKILLs it; returns what it acknowledged. */
  async function writeAndKill(path: string, until: number): Promise<number> {
    const child = spawn(process.execPath, [WRITER, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acknowledged = 0;
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = once(child, 'exit');
    for await (const line of createInterface({ input: child.stdout })) {
      acknowledged = Number(line);
      if (acknowledged >= until) break;
    }
    child.kill('SIGKILL');
    const [code, signal] = await exited;
    expect(signal, `writer exited (${code}) before it was killed: ${stderr}`).toBe('SIGKILL');
    return acknowledged;
  }

  it('keeps every acknowledged row when the process is killed mid-load, checkpoints running', {
    timeout: 120_000,
  }, async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hookline-wal-kill-')), 'x.db');
    let acknowledged = 0;
    for (const until of [2_000, 5_000, 9_000]) acknowledged = await writeAndKill(path, until);

    const reopened = new Database(path);
    try {
      expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
      const row = reopened.prepare('SELECT COUNT(*) AS n FROM t WHERE id < ?').get(acknowledged) as { n: number };
      expect(row.n).toBe(acknowledged);
    } finally {
      reopened.close();
    }
  });
});
