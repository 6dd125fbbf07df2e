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

/**
 * Group commit for whole batches: `commit` receives every input that arrived while the previous
 * batches were committing and answers them in order, with a few multi-row statements instead of
 * one transaction (or savepoint) per input. At most `maxConcurrent` batches commit at once, so
 * under load the batches grow instead of the transactions multiplying; this is what lets
 * PostgreSQL, where every statement is a round trip and every COMMIT an fsync, keep up. A failing
 * batch rejects all of its inputs (`commit` must then have made none of it durable).
 */
export class BatchCommit<I, O> {
  readonly #commit: (inputs: I[]) => Promise<O[]>;
  readonly #maxBatch: number;
  readonly #maxConcurrent: number;
  readonly #minIntervalMs: number;
  #pending: Pending<I, O>[] = [];
  #active = 0;
  #scheduled = false;
  #lastFlushAt = Number.NEGATIVE_INFINITY;

  /**
   * `minIntervalMs`: a batch starts at least this long after the previous one started, so under
   * load each commit (each fsync) carries more inputs; an input arriving after a quiet spell is
   * committed at once.
   */
  constructor(
    commit: (inputs: I[]) => Promise<O[]>,
    options: { maxBatch?: number; maxConcurrent?: number; minIntervalMs?: number } = {},
  ) {
    this.#commit = commit;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#maxConcurrent = options.maxConcurrent ?? 1;
    this.#minIntervalMs = options.minIntervalMs ?? 0;
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ input, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#pending.length === 0 || this.#active >= this.#maxConcurrent) return;
    // One turn of the event loop lets the results that are ready together join one batch.
    this.#scheduled = true;
    const run = () => {
      this.#scheduled = false;
      void this.#flush();
    };
    const wait = this.#lastFlushAt + this.#minIntervalMs - performance.now();
    if (wait > 0 && this.#pending.length < this.#maxBatch) setTimeout(run, wait);
    else setImmediate(run);
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0 || this.#active >= this.#maxConcurrent) return;
    const batch = this.#pending.splice(0, this.#maxBatch);
    this.#active++;
    this.#lastFlushAt = performance.now();
    this.#schedule();
    try {
      const outputs = await this.#commit(batch.map((item) => item.input));
      for (const [index, item] of batch.entries()) item.resolve(outputs[index] as O);
    } catch (error) {
      for (const item of batch) item.reject(error);
    } finally {
      this.#active--;
      this.#schedule();
    }
  }
}
