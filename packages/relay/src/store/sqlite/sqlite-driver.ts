import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { guarded, type SqlDriver, type SqlExecutor, type SqlRow, type TransactionOptions } from '../sql-driver.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';

/** Enough for every distinct statement the store issues, IN-list lengths included. */
const STATEMENT_CACHE_SIZE = 500;

export interface SqliteOptions {
  /** Database file path. */
  path: string;
  /** `FULL` survives power loss; `NORMAL` in WAL mode survives a process crash only. */
  synchronous: 'FULL' | 'NORMAL';
}

/**
 * better-sqlite3 is synchronous and the relay shares one connection, so transactions are
 * serialised through a promise chain: an `await` inside a transaction can never let another
 * request's statements slip into it.
 */
export class SqliteDriver implements SqlDriver {
  readonly kind = 'sqlite' as const;
  readonly lockClause = '';
  readonly #db: Database.Database;
  readonly #synchronous: 'FULL' | 'NORMAL';
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
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#synchronous = options.synchronous;
    this.#db.pragma(`synchronous = ${options.synchronous}`);
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
  }

  #run(sql: string, params: readonly unknown[] = []): SqlRow[] {
    if (this.#closed) throw new Error('The SQLite database is closed.');
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
    return guarded(() => this.#exclusive(async () => this.#run(sql, params)));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return guarded(() => this.#transaction(fn, options?.durable ?? true));
  }

  #transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, durable: boolean): Promise<T> {
    return this.#exclusive(async () => {
      // In WAL mode NORMAL commits without fsyncing the log; the next FULL commit syncs it, and
      // with it this one. With FULL each claim's COMMIT stalled the event loop for an fsync.
      const relaxed = !durable && this.#synchronous === 'FULL';
      if (relaxed) this.#run('PRAGMA synchronous = NORMAL');
      try {
        this.#run('BEGIN IMMEDIATE');
        try {
          const result = await fn({ query: async (sql, params) => this.#run(sql, params) });
          this.#run('COMMIT');
          return result;
        } catch (error) {
          if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
          throw error;
        }
      } finally {
        if (relaxed) this.#run('PRAGMA synchronous = FULL');
      }
    });
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
  }

  async close(): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#db.close();
    });
  }
}
