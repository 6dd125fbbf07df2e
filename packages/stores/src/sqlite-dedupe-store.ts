import {
  type ClaimResult,
  claimToken,
  type DedupeStore,
  type DedupeTimingOptions,
  dedupeTiming,
} from '@hookline/webhooks';
import { checkPruneEvery, quoteTableName } from './identifier.js';

/** The better-sqlite3 `Database` members the store uses (typed structurally: no dependency). */
export interface SqliteDatabaseLike {
  exec(sql: string): unknown;
  prepare(sql: string): { run(...params: unknown[]): unknown; get(...params: unknown[]): unknown };
}

/** Options of {@link SqliteDedupeStore}. */
export interface SqliteDedupeStoreOptions extends DedupeTimingOptions {
  /** Table to use; created if missing (default `hookline_dedupe`). */
  table?: string;
  /** Delete expired rows every this many claims (default 1000; 0 = only when you call `prune()`). */
  pruneEvery?: number;
  /** The clock in epoch milliseconds (default `Date.now`). */
  now?: () => number;
}

interface Row {
  state: 'processing' | 'completed';
  expires_at: number;
}

/**
 * A dedupe store in a SQLite database opened with better-sqlite3 (v12). Claims are single
 * atomic upserts, so several processes may share one database file (set a busy timeout).
 */
export class SqliteDedupeStore implements DedupeStore {
  readonly #ttlMs: number;
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #pruneEvery: number;
  #claims = 0;
  readonly #claim;
  readonly #read;
  readonly #complete;
  readonly #release;
  readonly #prune;

  constructor(db: SqliteDatabaseLike, options: SqliteDedupeStoreOptions = {}) {
    ({ ttlMs: this.#ttlMs, leaseMs: this.#leaseMs } = dedupeTiming(options));
    this.#now = options.now ?? Date.now;
    this.#pruneEvery = checkPruneEvery(options.pruneEvery);
    const table = quoteTableName(options.table ?? 'hookline_dedupe');
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, state TEXT NOT NULL, token TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
    );
    // Takes the id when it is new, or when its lease or TTL ran out; otherwise changes nothing.
    this.#claim = db.prepare(
      `INSERT INTO ${table} AS d (id, state, token, expires_at) VALUES (?, 'processing', ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = 'processing', token = excluded.token, expires_at = excluded.expires_at
       WHERE d.expires_at <= ? RETURNING token`,
    );
    this.#read = db.prepare(`SELECT state, expires_at FROM ${table} WHERE id = ?`);
    this.#complete = db.prepare(
      `INSERT INTO ${table} (id, state, token, expires_at) VALUES (?, 'completed', ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = 'completed', expires_at = excluded.expires_at`,
    );
    this.#release = db.prepare(`DELETE FROM ${table} WHERE id = ? AND token = ? AND state = 'processing'`);
    this.#prune = db.prepare(`DELETE FROM ${table} WHERE expires_at <= ?`);
  }

  async claim(id: string): Promise<ClaimResult> {
    if (this.#pruneEvery > 0 && ++this.#claims % this.#pruneEvery === 0) await this.prune();
    // Two tries: the row may be released between the upsert and the read.
    for (let attempt = 0; attempt < 2; attempt++) {
      const now = this.#now();
      const token = claimToken();
      if (this.#claim.get(id, token, now + this.#leaseMs, now)) return { status: 'claimed', token };
      const row = this.#read.get(id) as Row | undefined;
      if (row?.state === 'completed') return { status: 'completed' };
      if (row) return { status: 'in_progress', retryAfterMs: Math.max(0, row.expires_at - now) };
    }
    return { status: 'in_progress', retryAfterMs: undefined };
  }

  async complete(id: string, token: string): Promise<void> {
    this.#complete.run(id, token, this.#now() + this.#ttlMs);
  }

  async release(id: string, token: string): Promise<void> {
    this.#release.run(id, token);
  }

  /** Deletes expired rows (forgotten ids and abandoned leases); returns how many. */
  async prune(): Promise<number> {
    const result = this.#prune.run(this.#now()) as { changes?: number };
    return result.changes ?? 0;
  }
}
