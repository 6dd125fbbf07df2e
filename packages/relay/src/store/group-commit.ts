import type { SqlDriver, SqlExecutor } from './sql-driver.js';

interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for a single-connection database (SQLite): writes that arrive together share one
 * transaction, so one fsync acknowledges many events. Each write runs in its own savepoint, so a
 * failing one is rolled back alone; every caller hears back only after the shared COMMIT, so
 * "answered = durable" still holds.
 */
export class GroupCommit<I, O> {
  readonly #db: SqlDriver;
  readonly #work: (tx: SqlExecutor, input: I) => Promise<O>;
  readonly #maxBatch: number;
  #pending: Pending<I, O>[] = [];
  #scheduled = false;

  constructor(db: SqlDriver, work: (tx: SqlExecutor, input: I) => Promise<O>, maxBatch = 256) {
    this.#db = db;
    this.#work = work;
    this.#maxBatch = maxBatch;
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ input, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending.splice(0, this.#maxBatch);
    this.#scheduled = this.#pending.length > 0;
    if (this.#scheduled) setImmediate(() => void this.#flush());
    const outcomes: ({ ok: true; value: O } | { ok: false; error: unknown })[] = [];
    try {
      await this.#db.transaction(async (tx) => {
        for (const item of batch) {
          await tx.query('SAVEPOINT write');
          try {
            outcomes.push({ ok: true, value: await this.#work(tx, item.input) });
            await tx.query('RELEASE write');
          } catch (error) {
            await tx.query('ROLLBACK TO write');
            await tx.query('RELEASE write');
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The COMMIT (or BEGIN) failed: nothing in the batch is durable.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.error);
    });
  }
}
