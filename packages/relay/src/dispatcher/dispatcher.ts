import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CircuitBreakerOptions } from '../lanes/circuit-breaker.js';
import { LANE_DEFAULTS } from '../lanes/defaults.js';
import type { DestinationLanes, LanePermit } from '../lanes/destination-lanes.js';
import { BREAKER_STATE_VALUE, type RelayMetrics } from '../metrics.js';
import { emitOperationalEvent, type OperationalEventData } from '../operational/emit-operational-event.js';
import type { OperationalEventType } from '../operational/operational-source.js';
import type { ClaimedDelivery, CompleteAttempt, Store } from '../store/types.js';
import { type AttemptContext, attemptDelivery } from './attempt-delivery.js';
import { AttemptFollowUp } from './attempt-follow-up.js';
import { createDispatcherLanes } from './dispatcher-lanes.js';

export interface DispatcherOptions extends AttemptContext {
  store: Store;
  logger: Logger;
  pollIntervalMs: number;
  claimBatchSize: number;
  maxInFlight: number;
  /** Default `max_in_flight` of a destination that sets none. */
  maxInFlightPerDestination: number;
  leaseMarginMs: number;
  /** Failing without a 2xx for this long disables a destination (default 5 days). */
  autoDisableAfterMs?: number;
  /** Circuit breaker tuning, shared by every destination (defaults in lanes/defaults.ts). */
  breaker?: Omit<CircuitBreakerOptions, 'clock' | 'onStateChange'>;
  metrics?: RelayMetrics;
}

/**
 * A claim takes up to this many times a lane's `max_in_flight` (see Dispatcher.#ready): one
 * lane's worth in flight and the rest held ready, so a busy lane keeps running for several
 * answers while the next claim is on its way. Claims run one at a time and each is a database
 * round trip; with 2, a busy PostgreSQL relay spent its lanes' time waiting for claims (bench,
 * PostgreSQL at 1000 events/s: p99 about 1.3–3 s with 2, 70–220 ms with 4). Held deliveries
 * still go back after a quarter of the lease margin, and a failing lane holds none.
 */
const READY_DEPTH = 4;

/**
 * Claims due deliveries under a lease and attempts them. Works only from the store's delivery
 * rows (the outbox), so any number of restarts, or of processes on PostgreSQL, is safe: a
 * delivery whose worker died becomes claimable again when its lease expires.
 */
export class Dispatcher {
  /** Identifies this process's leases. */
  readonly owner = `wrk_${randomBytes(8).toString('hex')}`;
  readonly #options: DispatcherOptions;
  /** Every destination's lane: breaker, in-flight cap, token bucket (per process). */
  readonly #lanes: DestinationLanes;
  readonly #followUp: AttemptFollowUp;
  readonly #inFlight = new Map<string, Promise<void>>();
  /**
   * Attempts whose request is still open: what `maxInFlight` caps. An attempt whose answer is in
   * and whose result waits for its group commit holds no socket and no lane slot, only a lease.
   */
  #sending = 0;
  /**
   * Claimed deliveries waiting for a slot of their destination, oldest first: a claim takes up to
   * twice a lane's `max_in_flight`, so a slot freed by an answer starts the next delivery at once
   * instead of after the next claim's round trips. Each keeps its lease while it waits.
   */
  readonly #ready = new Map<string, { item: ClaimedDelivery; claimedAt: number }[]>();
  #queued = 0;
  /**
   * Destinations whose last answer was a failure, with their `max_in_flight`: they get no ready
   * deliveries (a failing destination is not pipelined, so its breaker sees each outcome before
   * more attempts start, as without #ready).
   */
  readonly #failing = new Map<string, number>();
  /** Earliest moment a refused lane said it may start again (epoch ms, the injected clock's). */
  #retryAt: number | undefined;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #wakeRequested = false;
  #loop: Promise<void> | undefined;
  #lastPollOk = false;
  /** Claimed deliveries handed straight back because their lane refused them. */
  #released = 0;
  /** Counts attempts started and finished, so drain() can tell whether a tick overlapped any. */
  #activity = 0;

  constructor(options: DispatcherOptions) {
    this.#options = options;
    const { metrics } = options;
    this.#lanes = createDispatcherLanes({
      clock: options.clock,
      logger: options.logger,
      metrics,
      maxInFlight: options.maxInFlightPerDestination,
      breaker: options.breaker,
      onRecovered: (id, at) => this.#emit('destination.recovered', { id, recovered_at: new Date(at).toISOString() }),
    });
    this.#followUp = new AttemptFollowUp({
      store: options.store,
      clock: options.clock,
      logger: options.logger,
      metrics,
      autoDisableAfterMs: options.autoDisableAfterMs ?? LANE_DEFAULTS.autoDisableAfterMs,
      emit: (type, data) => this.#emit(type, data),
    });
  }

  /** Stores an operational event (fire and forget: losing one must never stop delivery). */
  #emit(type: OperationalEventType, data: OperationalEventData): void {
    const o = this.#options;
    emitOperationalEvent(o.store, o.clock, type, data).then(
      (deliveries) => {
        if (deliveries > 0 && this.#running) this.wake();
      },
      (error: unknown) => o.logger.error({ err: error, type }, 'storing an operational event failed'),
    );
  }

  /** The circuit breaker state of a destination in this process. */
  breakerState(destinationId: string) {
    return this.#lanes.breakerState(destinationId);
  }

  /** True while the loop runs and its last claim reached the database (for /readyz). */
  get healthy(): boolean {
    return this.#running && this.#lastPollOk;
  }

  /** Deliveries claimed and then handed back unattempted since start (tests pin it near zero). */
  get releasedLeases(): number {
    return this.#released;
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
      // A rate-limited or cooling lane may be ready before the next poll: wake for it then.
      const interval = this.#options.pollIntervalMs;
      const until = this.#retryAt === undefined ? interval : this.#retryAt - this.#options.clock.now();
      await new Promise<void>((resolve) => {
        this.#resolveSleep = resolve;
        this.#timer = setTimeout(resolve, Math.max(1, Math.min(interval, until)));
      });
      this.#timer = undefined;
      this.#resolveSleep = undefined;
    }
  }

  /**
   * Claims what is due and free to run, starts the attempts (or holds them ready for their lane's
   * next free slot), and returns how many it took.
   */
  async tick(): Promise<number> {
    const o = this.#options;
    this.#startAllReady();
    // Requests open plus deliveries held ready stay within READY_DEPTH times maxInFlight: the
    // same depth as each lane's, so a lane that holds its full depth (a hanging destination's
    // deliveries wait behind its open requests) leaves the others room to be claimed.
    const room = READY_DEPTH * o.maxInFlight - this.#sending - this.#queued;
    if (room <= 0) return 0;
    // Destinations whose breaker is open, whose lane is full or whose bucket is empty stay
    // unclaimed: their deliveries are parked without spending retry attempts. The others are
    // claimed only up to what their lane admits (READY_DEPTH times its max_in_flight less what
    // it holds, see #ready; never beyond its tokens or a half-open probe), so a claim hands
    // (almost) nothing back.
    const limits = this.#lanes.claimLimits();
    const held = new Map(limits.inFlight);
    const caps = new Map(limits.caps);
    // A failing destination is claimed only up to its free slots (depth 1).
    for (const [id, maxInFlight] of this.#failing) held.set(id, (held.get(id) ?? 0) + maxInFlight);
    for (const [id, queue] of this.#ready) {
      held.set(id, (held.get(id) ?? 0) + queue.length);
      const cap = caps.get(id);
      if (cap !== undefined) caps.set(id, Math.max(0, cap - queue.length));
    }
    const claimed = await o.store.claimDue({
      now: o.clock.now(),
      limit: Math.min(room, o.claimBatchSize),
      owner: this.owner,
      leaseMarginMs: o.leaseMarginMs,
      defaultTimeoutMs: o.defaultTimeoutMs,
      excludeDestinationIds: limits.blocked,
      lanes: { defaultMaxInFlight: o.maxInFlightPerDestination, inFlight: held, caps, depth: READY_DEPTH },
    });
    // Only a lane that changed between the two questions refuses here (a rate first seen in this
    // claim, a breaker that opened meanwhile): its deliveries go back at once, schedule untouched.
    const refused: string[] = [];
    let taken = 0;
    this.#retryAt = undefined;
    const now = o.clock.now();
    for (const item of claimed) {
      const { destination } = item;
      const queue = this.#ready.get(destination.id);
      if (queue) {
        // Behind deliveries already waiting (older or equal due time): keep the lane's order.
        queue.push({ item, claimedAt: now });
        this.#queued++;
        taken++;
        continue;
      }
      if (this.#sending >= o.maxInFlight) {
        // maxInFlight requests are open: wait for one to end (#startAllReady).
        this.#ready.set(destination.id, [{ item, claimedAt: now }]);
        this.#queued++;
        taken++;
        continue;
      }
      const decision = this.#lanes.tryStart(destination.id, this.#settings(item));
      if (decision.start) {
        // Attempts run concurrently; #attempt never rejects (failures are logged and the lease expires).
        void this.#launch(item, false, decision.permit);
        taken++;
      } else if (decision.reason === 'in_flight_cap' && !this.#failing.has(destination.id)) {
        this.#ready.set(destination.id, [{ item, claimedAt: now }]);
        this.#queued++;
        taken++;
      } else {
        refused.push(item.delivery.id);
        if (decision.retryAt !== undefined) this.#retryAt = Math.min(this.#retryAt ?? Infinity, decision.retryAt);
      }
    }
    await this.#release(refused);
    return taken;
  }

  #settings(item: ClaimedDelivery) {
    return {
      maxInFlight: item.destination.maxInFlight ?? this.#options.maxInFlightPerDestination,
      ratePerSecond: item.destination.ratePerSecond ?? null,
    };
  }

  /**
   * Starts the destination's ready deliveries while its lane has slots. One that waited more
   * than a quarter of the lease margin (e.g. behind a hanging destination) goes back instead, so
   * a started attempt keeps at least three quarters of the margin it would have had unheld, as do all of them when the lane refuses for another reason
   * (breaker opened, bucket empty): they stay pending and spend no attempt.
   */
  #startReady(destinationId: string, most = Number.POSITIVE_INFINITY): number {
    const queue = this.#ready.get(destinationId);
    if (!queue) return 0;
    const o = this.#options;
    const now = o.clock.now();
    const back: string[] = [];
    let started = 0;
    while (queue.length > 0 && this.#sending < o.maxInFlight && started < most) {
      const next = queue[0] as { item: ClaimedDelivery; claimedAt: number };
      if (now - next.claimedAt > o.leaseMarginMs / 4) {
        back.push(next.item.delivery.id);
        queue.shift();
        continue;
      }
      const decision = this.#lanes.tryStart(destinationId, this.#settings(next.item));
      if (decision.start) {
        queue.shift();
        void this.#launch(next.item, false, decision.permit);
        started++;
        continue;
      }
      if (decision.reason !== 'in_flight_cap') {
        back.push(...queue.map((ready) => ready.item.delivery.id));
        queue.length = 0;
        if (decision.retryAt !== undefined) this.#retryAt = Math.min(this.#retryAt ?? Infinity, decision.retryAt);
      }
      break;
    }
    if (queue.length === 0) this.#ready.delete(destinationId);
    this.#recount();
    void this.#release(back);
    return started;
  }

  /** Notes a destination's answer; a failure hands back the deliveries held ready for it. */
  #noteOutcome(item: ClaimedDelivery, success: boolean): Promise<void> {
    const id = item.destination.id;
    if (success) {
      this.#failing.delete(id);
      return Promise.resolve();
    }
    this.#failing.set(id, this.#settings(item).maxInFlight);
    const queue = this.#ready.get(id);
    if (!queue) return Promise.resolve();
    this.#ready.delete(id);
    this.#recount();
    return this.#release(queue.map((ready) => ready.item.delivery.id));
  }

  /**
   * Starts ready deliveries one destination at a time, round-robin. When maxInFlight binds, the
   * freed slots are shared: draining each queue in turn gave them all to whichever destination
   * came first in the Map (its queue refills at every claim), and the others' deliveries aged
   * out and went back, again and again.
   */
  #startAllReady(): void {
    let started = 1;
    while (started > 0) {
      started = 0;
      for (const id of [...this.#ready.keys()]) started += this.#startReady(id, 1);
    }
  }

  #recount(): void {
    let queued = 0;
    for (const queue of this.#ready.values()) queued += queue.length;
    this.#queued = queued;
  }

  /** Hands leases back without an attempt; never rejects (an unreleased lease simply expires). */
  #release(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    this.#released += ids.length;
    return this.#options.store.releaseLeases(this.owner, ids).catch((error: unknown) => {
      this.#options.logger.error({ err: error }, 'releasing leases failed; they expire instead');
    });
  }

  #launch(item: ClaimedDelivery, manual: boolean, permit?: LanePermit): Promise<CompleteAttempt | undefined> {
    this.#activity++;
    const run = this.#attempt(item, manual, permit).finally(() => {
      this.#activity++;
      this.#inFlight.delete(item.delivery.id);
      // With per_resource ordering the recorded result (the lease gone) lets the key's next
      // delivery be claimed; otherwise the answer already woke the loop if a slot was free.
      if (this.#running && item.destination.ordering === 'per_resource') this.wake();
    });
    this.#inFlight.set(
      item.delivery.id,
      run.then(() => undefined),
    );
    return run;
  }

  async #attempt(item: ClaimedDelivery, manual: boolean, permit?: LanePermit): Promise<CompleteAttempt | undefined> {
    const o = this.#options;
    // A child logger per attempt cost more than the attempt's signing; build it only to log.
    let child: Logger | undefined;
    const log = () =>
      (child ??= o.logger.child({
        delivery_id: item.delivery.id,
        event_id: item.event.eventId,
        destination_id: item.destination.id,
      }));
    this.#sending++;
    let sending = true;
    // The request is over and (see below) its lane slot free: start what waits for either.
    const sent = () => {
      if (sending) this.#sending--;
      sending = false;
      if (this.#queued > 0) this.#startAllReady();
    };
    try {
      const result = await attemptDelivery(item, o, { owner: this.owner, manual });
      // The destination has answered: free its slot and tell its breaker now, not after the
      // write. The lease still holds the row (and, with per_resource ordering, its key) until
      // the result is recorded, so the freed slot can only go to another delivery: one held
      // ready, or the next claim's while this result waits for its group commit.
      let handedBack: Promise<void> | undefined;
      if (permit) {
        const success = result.attempt.outcome === 'delivered';
        permit.finish(success ? 'success' : 'failure');
        handedBack = this.#noteOutcome(item, success);
      }
      sent();
      // A slot stays free only if nothing was ready for it: then claim more.
      if (permit && this.#running && !this.#ready.has(item.destination.id)) this.wake();
      await handedBack;
      const saved = await o.store.completeAttempt(result);
      if (!saved) {
        log().warn('lease lost before the attempt was recorded; another worker will retry it');
        return undefined;
      }
      await this.#followUp.afterAttempt(item, result);
      const { attempt } = result;
      if (attempt.outcome === 'delivered') {
        if (o.logger.isLevelEnabled('debug')) log().debug({ status: attempt.statusCode }, 'delivered');
      } else {
        log().warn(
          { status: attempt.statusCode, error: attempt.errorClass, outcome: attempt.outcome },
          'attempt failed',
        );
      }
      if (result.disableDestination) log().warn({ reason: result.disableDestination.reason }, 'destination disabled');
      return result;
    } catch (error) {
      // The lease expires and the delivery is claimed again: nothing is lost, at worst repeated.
      permit?.abandon();
      log().error({ err: error }, 'recording the attempt failed');
      return undefined;
    } finally {
      sent();
      o.metrics?.breakerState.set(
        { destination: item.destination.id },
        BREAKER_STATE_VALUE[this.#lanes.breakerState(item.destination.id)],
      );
    }
  }

  /** Runs ticks until nothing is due and nothing is in flight (tests and `relay drain`). */
  async drain(): Promise<void> {
    for (;;) {
      // A tick also starts held-ready deliveries, and attempts may end while its claim waits for
      // the database. An empty claim made while a lane was still full proves nothing once that
      // lane's attempts have ended: only a tick that overlapped no attempt may end the drain.
      const activity = this.#activity;
      const claimed = await this.tick();
      if (claimed === 0 && this.#inFlight.size === 0 && this.#queued === 0 && this.#activity === activity) return;
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
    // A manual attempt is the operator's own probe: it bypasses the lane (breaker, cap, rate).
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
    // Held ready but never started: hand them back so another process takes them at once.
    const ready = [...this.#ready.values()].flat().map((entry) => entry.item.delivery.id);
    this.#ready.clear();
    this.#queued = 0;
    if (ready.length > 0) await this.#options.store.releaseLeases(this.owner, ready).catch(() => undefined);
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
