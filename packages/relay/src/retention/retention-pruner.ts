import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Store } from '../store/types.js';
import type { PruneCounts, PruneOptions } from './retention-types.js';

export interface RetentionPrunerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Rows older than this are pruned; 0 turns pruning off. */
  retentionMs: number;
  /** Idempotency keys older than this answer nothing any more (config idempotencyTtlMs). */
  idempotencyTtlMs: number;
  intervalMs: number;
  batchSize: number;
}

/**
 * Deletes expired events, payloads and attempts in the background of a worker process. Each
 * batch is one short transaction and the pruner yields to the event loop between batches, so
 * ingress (which shares the SQLite connection) never waits behind a long delete.
 */
export class RetentionPruner {
  readonly #o: RetentionPrunerOptions;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<unknown> | undefined;
  #stopRequested = false;

  constructor(options: RetentionPrunerOptions) {
    this.#o = options;
  }

  get enabled(): boolean {
    return this.#o.retentionMs > 0;
  }

  /** Everything received (or attempted, or finished) before `before` is expired. */
  cutoffs(): PruneOptions {
    const now = this.#o.clock.now();
    return { before: now - this.#o.retentionMs, idempotencyBefore: now - this.#o.idempotencyTtlMs };
  }

  start(): void {
    if (this.#running || !this.enabled) return;
    this.#running = true;
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#pass = this.pruneOnce()
        .catch((error: unknown) => this.#o.logger.error({ err: error }, 'pruning failed; retrying next interval'))
        .finally(() => {
          if (this.#running) this.#schedule(this.#o.intervalMs);
        });
    }, delayMs);
    this.#timer.unref();
  }

  /** Prunes everything expired now, batch by batch, and returns the totals. */
  async pruneOnce(): Promise<PruneCounts> {
    const total: PruneCounts = { events: 0, deliveries: 0, attempts: 0, replayJobs: 0, idempotencyKeys: 0 };
    if (!this.enabled) return total;
    const cutoffs = this.cutoffs();
    for (;;) {
      const batch = await this.#o.store.pruneBatch({ ...cutoffs, limit: this.#o.batchSize });
      for (const key of Object.keys(total) as (keyof PruneCounts)[]) total[key] += batch[key];
      // A full batch of anything means there may be more; anything less means this pass is done.
      const more = Object.values(batch).some((n) => n >= this.#o.batchSize);
      if (!more || this.#stopRequested) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (Object.values(total).some((n) => n > 0)) this.#o.logger.info({ ...total, ...cutoffs }, 'pruned expired rows');
    return total;
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stopRequested = true;
    clearTimeout(this.#timer);
    await this.#pass;
  }
}
