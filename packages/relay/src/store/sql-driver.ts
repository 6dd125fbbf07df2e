/** A row as the driver returns it. */
export type SqlRow = Record<string, unknown>;

/** Runs SQL written with `?` placeholders. */
export interface SqlExecutor {
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
}

export interface TransactionOptions {
  /** Default true: the commit is on disk before the promise resolves. */
  durable?: boolean;
}

/**
 * The little the shared SQL store needs from a database: queries, transactions and the few
 * places where SQLite and PostgreSQL differ. Keeping one store on top of two drivers means both
 * databases run exactly the same logic (and the same tests).
 */
export interface SqlDriver extends SqlExecutor {
  readonly kind: 'sqlite' | 'postgres';
  /** Appended to the claim sub-select: PostgreSQL's `FOR UPDATE SKIP LOCKED`; nothing on SQLite. */
  readonly lockClause: string;
  /**
   * Runs `fn` in a transaction. `durable: false` marks one whose loss in a power cut costs at
   * most a repeated attempt (the dispatcher's claim: leases are freed at start, and the numbers it
   * drew are drawn again; docs/relay.md), so a driver may commit it without waiting for the disk;
   * anything committed durably after it makes it durable too, since the log is written in order.
   * PostgreSQL's claim sets this itself, inside its statements (ASYNC_COMMIT in
   * sql/outbox-queries.ts).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Creates or upgrades the schema. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The database failed (unreachable, closed, out of space). The HTTP layer answers 503 for it, so
 * a caller knows to retry and that nothing was accepted. The message never contains parameters.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`The database failed: ${reason}`, { cause });
  }
}

/** Runs `fn`, turning any driver error into a {@link StoreUnavailableError}. */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error);
  }
}
