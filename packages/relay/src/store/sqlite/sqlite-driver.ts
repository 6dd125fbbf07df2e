import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { guarded, type SqlDriver, type SqlExecutor, type SqlRow, type TransactionOptions } from '../sql-driver.js';
import { openDatabase } from './open-database.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { type SyncFile, WalSync } from './wal-sync.js';

/** Enough for every distinct statement the store issues, IN-list lengths included. */
const STATEMENT_CACHE_SIZE = 500;

export interface SqliteOptions {
  /** Database file path. */
  path: string;
  /** `FULL` survives power loss; `NORMAL` in WAL mode survives a process crash only. */
  synchronous: 'FULL' | 'NORMAL';
  /** How the WAL is flushed for a durable commit (tests count and delay it); fdatasync by default. */
  syncFile?: SyncFile;
}

/**
 * better-sqlite3 is synchronous and the relay shares one connection, so transactions are
 * serialised through a promise chain: an `await` inside a transaction can never let another
 * request's statements slip into it.
 *
 * With `synchronous: 'FULL'` a durable write resolves only once it is on disk, but the fsync is
 * not done inside COMMIT, where it would block the thread for a millisecond or more: the
 * connection commits at NORMAL and {@link WalSync} flushes the WAL on the thread pool, one fsync
 * for all the commits made while the previous one ran. The next transaction runs meanwhile, so
 * it may read a row whose fsync is still under way (a claim may send an event a moment before
 * it is durable); what is acknowledged to a caller is always durable first.
 */
export class SqliteDriver implements SqlDriver {
  readonly kind = 'sqlite' as const;
  readonly lockClause = '';
  readonly #db: Database.Database;
  /** Set when the connection defers fsyncs (FULL on a WAL database). */
  readonly #walSync: WalSync | undefined;
  /** A failed fsync leaves the file's state unknown: from then on every call fails with it. */
  #syncFailure: Error | undefined;
  /**
   * Prepared statements by SQL text. Preparing costs more than running most of the relay's
   * statements, and the store issues a small fixed set of SQL strings (IN-lists vary in length,
   * hence the bound), so each is compiled once per connection.
   */
  readonly #statements = new Map<string, Database.Statement>();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: SqliteOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    this.#db = openDatabase(options.path);
    const wal = this.#db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
    // Without WAL (a filesystem without shared memory) there is no log to flush apart: FULL stays FULL.
    if (wal && options.synchronous === 'FULL') this.#walSync = new WalSync(options.path, options.syncFile);
    this.#db.pragma(`synchronous = ${this.#walSync ? 'NORMAL' : options.synchronous}`);
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
  }

  #run(sql: string, params: readonly unknown[] = []): SqlRow[] {
    if (this.#closed) throw new Error('The SQLite database is closed.');
    if (this.#syncFailure) throw this.#syncFailure;
    const statement = this.#prepare(sql);
    const values = params.map((value) => (typeof value === 'boolean' ? Number(value) : value));
    if (statement.reader) return statement.all(...values) as SqlRow[];
    statement.run(...values);
    return [];
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        // Evict the oldest entry: Map iterates in insertion order.
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(fn, fn);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]> {
    return guarded(async () => {
      const rows = await this.#exclusive(async () => this.#run(sql, params));
      // A write outside a transaction commits by itself, durably like any other.
      if (this.#walSync && this.#statements.get(sql)?.readonly === false) await this.#durable();
      return rows;
    });
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return guarded(async () => {
      const result = await this.#transaction(fn);
      if (options?.durable ?? true) await this.#durable();
      return result;
    });
  }

  #transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      this.#run('BEGIN IMMEDIATE');
      try {
        const result = await fn({ query: async (sql, params) => this.#run(sql, params) });
        this.#run('COMMIT');
        return result;
      } catch (error) {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Waits until every commit made so far is on disk (a no-op unless fsyncs are deferred). */
  async #durable(): Promise<void> {
    if (!this.#walSync) return;
    try {
      await this.#walSync.sync();
    } catch (error) {
      this.#syncFailure ??= new Error(`Flushing the SQLite WAL to disk failed: ${(error as Error).message}`, {
        cause: error,
      });
      throw this.#syncFailure;
    }
  }

  async migrate(): Promise<void> {
    await this.#exclusive(async () => {
      this.#db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
      );
      const applied = Number(
        (this.#db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0,
      );
      SQLITE_MIGRATIONS.forEach((sql, index) => {
        const version = index + 1;
        if (version <= applied) return;
        this.#db.transaction(() => {
          this.#db.exec(sql);
          this.#db
            .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
            .run(version, Date.now());
        })();
      });
    });
    // Also the first flush of the WAL, with its directory entry.
    await this.#durable();
  }

  async close(): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#closed) return;
      this.#closed = true;
      await this.#walSync?.close();
      this.#db.close();
    });
  }
}
