interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
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
