import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClaimedDelivery, CompleteAttempt, Store } from '../store/types.js';
import { type AttemptContext, attemptDelivery } from './attempt-delivery.js';

export interface DispatcherOptions extends AttemptContext {
  store: Store;
  logger: Logger;
  pollIntervalMs: number;
  claimBatchSize: number;
  maxInFlight: number;
  maxInFlightPerDestination: number;
  leaseMarginMs: number;
}

/** Per-destination state. Part 1 keeps the in-flight count (the lane's cap); part 2 adds rate limits and a breaker here. */
interface Lane {
  inFlight: number;
}

/**
 * Claims due deliveries under a lease and attempts them. Works only from the store's delivery
 * rows (the outbox), so any number of restarts, or of processes on PostgreSQL, is safe: a
 * delivery whose worker died becomes claimable again when its lease expires.
 */
export class Dispatcher {
  /** Identifies this process's leases. */
  readonly owner = `wrk_${randomBytes(8).toString('hex')}`;
  readonly #options: DispatcherOptions;
  readonly #lanes = new Map<string, Lane>();
  readonly #inFlight = new Map<string, Promise<void>>();
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #wakeRequested = false;
  #loop: Promise<void> | undefined;
  #lastPollOk = false;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  /** True while the loop runs and its last claim reached the database (for /readyz). */
  get healthy(): boolean {
    return this.#running && this.#lastPollOk;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#lastPollOk = true;
    this.#loop = this.#run();
  }

  /** Polls now instead of at the next interval (called after ingress commits an event). */
  wake(): void {
    this.#wakeRequested = true;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#resolveSleep?.();
    }
  }

  #resolveSleep: (() => void) | undefined;

  async #run(): Promise<void> {
    while (this.#running) {
      let claimed = 0;
      let failed = false;
      try {
        claimed = await this.tick();
        this.#lastPollOk = true;
      } catch (error) {
        // The database is away: back off for a poll interval instead of spinning on wake-ups.
        failed = true;
        this.#lastPollOk = false;
        this.#options.logger.error({ err: error }, 'claiming deliveries failed; retrying');
      }
      if (!this.#running) break;
      if (!failed && (claimed > 0 || this.#wakeRequested)) {
        // Something may be due right now; yield so attempts and requests progress, then look again.
        this.#wakeRequested = false;
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => {
        this.#resolveSleep = resolve;
        this.#timer = setTimeout(resolve, this.#options.pollIntervalMs);
      });
      this.#timer = undefined;
      this.#resolveSleep = undefined;
    }
  }

  /** Claims what is due and free to run, starts the attempts, and returns how many it started. */
  async tick(): Promise<number> {
    const o = this.#options;
    const free = o.maxInFlight - this.#inFlight.size;
    if (free <= 0) return 0;
    const full = [...this.#lanes].filter(([, lane]) => lane.inFlight >= o.maxInFlightPerDestination).map(([id]) => id);
    const claimed = await o.store.claimDue({
      now: o.clock.now(),
      limit: Math.min(free, o.claimBatchSize),
      owner: this.owner,
      leaseMarginMs: o.leaseMarginMs,
      defaultTimeoutMs: o.defaultTimeoutMs,
      excludeDestinationIds: full,
    });
    // One claim can return more deliveries for a destination than its lane has room for: start
    // what fits and hand the rest back at once (its lane is then full, so the next claim skips it).
    const overflow: string[] = [];
    let started = 0;
    for (const item of claimed) {
      if ((this.#lanes.get(item.destination.id)?.inFlight ?? 0) >= o.maxInFlightPerDestination) {
        overflow.push(item.delivery.id);
        continue;
      }
      // Attempts run concurrently; #attempt never rejects (failures are logged and the lease expires).
      void this.#launch(item, false);
      started++;
    }
    if (overflow.length > 0) await o.store.releaseLeases(this.owner, overflow);
    return started;
  }

  #launch(item: ClaimedDelivery, manual: boolean): Promise<CompleteAttempt | undefined> {
    const id = item.destination.id;
    const lane = this.#lanes.get(id) ?? { inFlight: 0 };
    this.#lanes.set(id, lane);
    lane.inFlight++;
    const run = this.#attempt(item, manual).finally(() => {
      lane.inFlight--;
      if (lane.inFlight === 0) this.#lanes.delete(id);
      this.#inFlight.delete(item.delivery.id);
      if (this.#running) this.wake();
    });
    this.#inFlight.set(
      item.delivery.id,
      run.then(() => undefined),
    );
    return run;
  }

  async #attempt(item: ClaimedDelivery, manual: boolean): Promise<CompleteAttempt | undefined> {
    const o = this.#options;
    const log = o.logger.child({
      delivery_id: item.delivery.id,
      event_id: item.event.eventId,
      destination_id: item.destination.id,
    });
    try {
      const result = await attemptDelivery(item, o, { owner: this.owner, manual });
      const saved = await o.store.completeAttempt(result);
      if (!saved) {
        log.warn('lease lost before the attempt was recorded; another worker will retry it');
        return undefined;
      }
      const { attempt } = result;
      if (result.status === 'delivered') log.debug({ status: attempt.statusCode }, 'delivered');
      else
        log.warn({ status: attempt.statusCode, error: attempt.errorClass, outcome: attempt.outcome }, 'attempt failed');
      if (result.disableDestination) log.warn({ reason: result.disableDestination.reason }, 'destination disabled');
      return result;
    } catch (error) {
      // The lease expires and the delivery is claimed again: nothing is lost, at worst repeated.
      log.error({ err: error }, 'recording the attempt failed');
      return undefined;
    }
  }

  /** Runs ticks until nothing is due and nothing is in flight (tests and `relay drain`). */
  async drain(): Promise<void> {
    for (;;) {
      const started = await this.tick();
      if (started === 0 && this.#inFlight.size === 0) return;
      await Promise.all(this.#inFlight.values());
    }
  }

  /**
   * One manual attempt now (`POST /v1/deliveries/:id/retry`). Returns the result, `busy` when
   * an attempt holds the delivery's lease, `not_found`, or `unrecorded` when the attempt ran but
   * its result could not be stored (the schedule then simply continues).
   */
  async retryNow(deliveryId: string): Promise<CompleteAttempt | 'busy' | 'not_found' | 'unrecorded'> {
    const o = this.#options;
    const exists = await o.store.getDelivery(deliveryId);
    if (!exists) return 'not_found';
    if (this.#inFlight.has(deliveryId)) return 'busy';
    const claimed = await o.store.claimOne(deliveryId, {
      now: o.clock.now(),
      owner: this.owner,
      leaseMarginMs: o.leaseMarginMs,
      defaultTimeoutMs: o.defaultTimeoutMs,
    });
    if (!claimed) return 'busy';
    return (await this.#launch(claimed, true)) ?? 'unrecorded';
  }

  /**
   * Stops claiming, lets in-flight attempts finish for up to `timeoutMs`, then releases the
   * leases of those still running so another process (or the next start) takes them at once.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    const pending = [...this.#inFlight.values()];
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([Promise.all(pending).then(() => 'done' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        const unfinished = [...this.#inFlight.keys()];
        await this.#options.store.releaseLeases(this.owner, unfinished).catch(() => undefined);
        this.#options.logger.warn({ count: unfinished.length }, 'released leases of unfinished attempts at shutdown');
      }
    }
  }
}
