import {
  type ClaimResult,
  claimToken,
  type DedupeStore,
  type DedupeTimingOptions,
  dedupeTiming,
} from '@hookline/webhooks';
import { checkPruneEvery, quoteTableName } from './identifier.js';

/** The `pg` Pool (or Client) member the store uses (typed structurally: no dependency). */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount?: number | null }>;
}

/** Options of {@link PostgresDedupeStore}. */
export interface PostgresDedupeStoreOptions extends DedupeTimingOptions {
  /** Table to use, optionally `schema.table`; created if missing (default `hookline_dedupe`). */
  table?: string;
  /** Delete expired rows every this many claims (default 1000; 0 = only when you call `prune()`). */
  pruneEvery?: number;
}

// Errors two processes get when both run CREATE TABLE IF NOT EXISTS at once: the table exists.
const CREATE_RACE = new Set(['23505', '42P07']);

/**
 * A dedupe store in PostgreSQL, on a `pg` Pool you already have. Every replica sharing the table
 * shares the claims; times come from the database clock, so replicas' clocks may disagree.
 */
export class PostgresDedupeStore implements DedupeStore {
  readonly #pool: PgQueryable;
  readonly #table: string;
  readonly #ttlMs: number;
  readonly #leaseMs: number;
  readonly #pruneEvery: number;
  #claims = 0;
  #ready: Promise<void> | undefined;

  constructor(pool: PgQueryable, options: PostgresDedupeStoreOptions = {}) {
    this.#pool = pool;
    this.#table = quoteTableName(options.table ?? 'hookline_dedupe');
    ({ ttlMs: this.#ttlMs, leaseMs: this.#leaseMs } = dedupeTiming(options));
    this.#pruneEvery = checkPruneEvery(options.pruneEvery);
  }

  /** Creates the table if needed. Called by the first claim; call it at start-up to fail early. */
  ready(): Promise<void> {
    this.#ready ??= this.#create().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #create(): Promise<void> {
    const index = `"${this.#table.replace(/"/g, '').replace('.', '_')}_expires_at"`;
    try {
      await this.#pool.query(
        `CREATE TABLE IF NOT EXISTS ${this.#table} (id text PRIMARY KEY, state text NOT NULL, token text NOT NULL, expires_at timestamptz NOT NULL)`,
      );
      await this.#pool.query(`CREATE INDEX IF NOT EXISTS ${index} ON ${this.#table} (expires_at)`);
    } catch (error) {
      if (!CREATE_RACE.has((error as { code?: string }).code ?? '')) throw error;
    }
  }

  async claim(id: string): Promise<ClaimResult> {
    await this.ready();
    if (this.#pruneEvery > 0 && ++this.#claims % this.#pruneEvery === 0) await this.prune();
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = claimToken();
      // Concurrent upserts of one id serialise on the row; only one sees an expired (or no) row.
      const claimed = await this.#pool.query(
        `INSERT INTO ${this.#table} AS d (id, state, token, expires_at)
         VALUES ($1, 'processing', $2, clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (id) DO UPDATE SET state = 'processing', token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
         WHERE d.expires_at <= clock_timestamp() RETURNING token`,
        [id, token, this.#leaseMs],
      );
      if (claimed.rows.length > 0) return { status: 'claimed', token };
      const found = await this.#pool.query(
        `SELECT state, GREATEST(0, EXTRACT(EPOCH FROM expires_at - clock_timestamp()) * 1000)::float8 AS left_ms
         FROM ${this.#table} WHERE id = $1`,
        [id],
      );
      const row = found.rows[0] as { state: string; left_ms: number } | undefined;
      if (row?.state === 'completed') return { status: 'completed' };
      if (row) return { status: 'in_progress', retryAfterMs: Math.ceil(row.left_ms) };
    }
    return { status: 'in_progress', retryAfterMs: undefined };
  }

  async complete(id: string, token: string): Promise<void> {
    await this.#pool.query(
      `INSERT INTO ${this.#table} (id, state, token, expires_at)
       VALUES ($1, 'completed', $2, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (id) DO UPDATE SET state = 'completed', expires_at = EXCLUDED.expires_at`,
      [id, token, this.#ttlMs],
    );
  }

  async release(id: string, token: string): Promise<void> {
    await this.#pool.query(`DELETE FROM ${this.#table} WHERE id = $1 AND token = $2 AND state = 'processing'`, [
      id,
      token,
    ]);
  }

  /** Deletes expired rows (forgotten ids and abandoned leases); returns how many. */
  async prune(): Promise<number> {
    await this.ready();
    const result = await this.#pool.query(`DELETE FROM ${this.#table} WHERE expires_at <= clock_timestamp()`);
    return result.rowCount ?? 0;
  }
}
