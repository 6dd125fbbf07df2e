/** A row as the driver returns it. */
export type SqlRow = Record<string, unknown>;

/** Runs SQL written with `?` placeholders. */
export interface SqlExecutor {
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
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
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Creates or upgrades the schema. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
