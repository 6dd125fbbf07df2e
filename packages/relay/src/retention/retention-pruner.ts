import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Store } from '../store/types.js';
import type { PruneCounts } from './retention-types.js';

export interface RetentionPrunerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Rows older than this are pruned; 0 turns pruning off. */
  retentionMs: number;
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

  /** Everything received (or attempted) before this is expired. */
  cutoff(): number {
    return this.#o.clock.now() - this.#o.retentionMs;
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
    const total: PruneCounts = { events: 0, deliveries: 0, attempts: 0 };
    if (!this.enabled) return total;
    const before = this.cutoff();
    for (;;) {
      const batch = await this.#o.store.pruneBatch({ before, limit: this.#o.batchSize });
      total.events += batch.events;
      total.deliveries += batch.deliveries;
      total.attempts += batch.attempts;
      const more = batch.events >= this.#o.batchSize || batch.attempts >= this.#o.batchSize;
      if (!more || this.#stopRequested) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (total.events + total.attempts > 0) this.#o.logger.info({ ...total, before }, 'pruned expired rows');
    return total;
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stopRequested = true;
    clearTimeout(this.#timer);
    await this.#pass;
  }
}
