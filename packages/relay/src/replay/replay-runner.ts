import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { StoreUnavailableError } from '../store/sql-driver.js';
import type { Store } from '../store/types.js';
import type { ReplayJobRow } from './replay-types.js';

export interface ReplayRunnerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Identifies this process's job leases (the dispatcher's owner id). */
  owner: string;
  pollIntervalMs: number;
  batchSize: number;
  leaseMs: number;
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Works through replay jobs in a worker process: claims one job at a time under a lease and runs
 * it batch by batch (each batch one short transaction), yielding between batches so ingress and
 * delivery keep going. A job whose worker dies keeps its cursor and is resumed by whichever
 * worker claims it after the lease expires.
 */
export class ReplayRunner {
  readonly #o: ReplayRunnerOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #current: string | undefined;

  constructor(options: ReplayRunnerOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Looks for jobs now (called after `POST /v1/replays` in a process that also works). */
  wake(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let worked = false;
      try {
        worked = await this.step();
      } catch (error) {
        this.#o.logger.error({ err: error }, 'replay batch failed; retrying');
      }
      if (!this.#running) break;
      if (worked) {
        await yieldToIo();
        continue;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, this.#o.pollIntervalMs);
      });
      this.#timer = undefined;
      this.#wake = undefined;
    }
  }

  /**
   * Runs one batch of the job this runner holds, claiming one first if it holds none. Returns
   * false when there was nothing to do. (The loop calls it; tests call it to stop mid-job.)
   */
  async step(): Promise<boolean> {
    const o = this.#o;
    if (!this.#current) {
      const claimed = await o.store.claimReplayJob({ owner: o.owner, now: o.clock.now(), leaseMs: o.leaseMs });
      if (!claimed) return false;
      this.#current = claimed.id;
      o.logger.info({ replay_id: claimed.id, mode: claimed.mode, cursor: claimed.cursor }, 'replay job claimed');
    }
    const id = this.#current;
    let job: ReplayJobRow | null;
    try {
      job = await o.store.runReplayBatch({
        jobId: id,
        owner: o.owner,
        now: o.clock.now(),
        leaseMs: o.leaseMs,
        batchSize: o.batchSize,
      });
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error; // the database is away: retry the batch later
      this.#current = undefined;
      const message = error instanceof Error ? error.message : String(error);
      await o.store.failReplayJob(id, o.owner, message, o.clock.now());
      o.logger.error({ err: error, replay_id: id }, 'replay job failed');
      return true;
    }
    if (!job) {
      // Cancelled, or another worker took it over after our lease expired: it wrote nothing.
      this.#current = undefined;
      o.logger.info({ replay_id: id }, 'replay job no longer held (cancelled or taken over)');
      return true;
    }
    if (job.status !== 'running') {
      this.#current = undefined;
      o.logger.info(
        { replay_id: id, matched: job.matched, enqueued: job.enqueued, skipped: job.skipped, dry_run: job.dryRun },
        'replay job completed',
      );
    }
    return true;
  }

  /** Runs jobs until none is left (tests). */
  async drain(): Promise<void> {
    while (await this.step()) await yieldToIo();
  }

  /** Stops after the current batch and gives the held job back, so another worker resumes it at once. */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop?.catch(() => undefined);
    if (this.#current) {
      await this.#o.store.releaseReplayJob(this.#current, this.#o.owner).catch(() => undefined);
      this.#current = undefined;
    }
  }
}
