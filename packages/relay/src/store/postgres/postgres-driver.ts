import { createHash } from 'node:crypto';
import pg from 'pg';
import { guarded, type SqlDriver, type SqlExecutor, type SqlRow } from '../sql-driver.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';

export interface PostgresOptions {
  connectionString: string;
  /** Schema holding the relay's tables (created if missing); lets tests and tenants share a database. */
  schema: string;
  maxConnections?: number;
}

// Arbitrary but fixed: serialises schema migrations across relay processes.
const MIGRATION_LOCK_ID = 0x686f6f6b;

/** `?` placeholders become `$1…$n` (the shared store's SQL never has `?` inside a literal). */
function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** Enough for every distinct statement the store issues (multi-row INSERTs vary with the batch). */
const STATEMENT_CACHE_SIZE = 2_000;
const statements = new Map<string, { name: string; text: string }>();

/**
 * The query as a named prepared statement: each connection parses and plans it once, then only
 * binds and executes. Parsing and planning the claim (a LATERAL sub-select per destination) and
 * the multi-row INSERTs cost the server more than running them, on every call. The name is a
 * hash of the text, so a connection never sees one name with two texts. Statements without
 * parameters keep the simple protocol (one round trip, and it allows several statements).
 */
function prepared(sql: string, params: readonly unknown[]): pg.QueryConfig {
  if (params.length === 0) return { text: numbered(sql) };
  let statement = statements.get(sql);
  if (statement === undefined) {
    const text = numbered(sql);
    statement = { name: `hl_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
    if (statements.size >= STATEMENT_CACHE_SIZE) {
      const oldest = statements.keys().next().value;
      if (oldest !== undefined) statements.delete(oldest);
    }
    statements.set(sql, statement);
  }
  return { ...statement, values: params as unknown[] };
}

// BIGINT columns hold milliseconds, well inside Number's exact range; parse them as numbers
// for this pool only, leaving the application's own pg type parsers alone.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** PostgreSQL through a pg pool; `search_path` pins every connection to the relay's schema. */
export class PostgresDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  readonly lockClause = 'FOR UPDATE OF d SKIP LOCKED';
  readonly #pool: pg.Pool;
  readonly #schema: string;

  constructor(options: PostgresOptions) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
      throw new Error(`The PostgreSQL schema name "${options.schema}" must be lower-case letters, digits and _.`);
    }
    this.#schema = options.schema;
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      options: `-c search_path=${options.schema}`,
      types,
      connectionTimeoutMillis: 5_000,
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.#pool.on('error', () => undefined);
  }

  query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return guarded(async () => (await this.#pool.query(prepared(sql, params))).rows as SqlRow[]);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return guarded(() =>
      this.#inTransaction((client) =>
        fn({ query: async (sql, params = []) => (await client.query(prepared(sql, params))).rows as SqlRow[] }),
      ),
    );
  }

  /**
   * Runs `work` in a transaction on a client checked out of the pool. A connection that dies
   * while a client is checked out emits 'error' on that client, not on the pool (which watches
   * only idle clients, and `pool.query` guards its own): without a listener a database restart
   * crashes the process. The pending query rejects with the same error, so the listener only
   * keeps it, and the broken client is then destroyed instead of going back to the pool.
   */
  async #inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  migrate(): Promise<void> {
    // Unprepared queries: a migration may hold several statements.
    return this.#inTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
      const { rows } = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
      const applied = Number(rows[0]?.v ?? 0);
      for (const [index, sql] of POSTGRES_MIGRATIONS.entries()) {
        if (index + 1 <= applied) continue;
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          index + 1,
          Date.now(),
        ]);
      }
    });
  }

  #closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    return this.#closing;
  }
}
