import { type Clock, systemClock } from '../clock.js';
import {
  type BreakerOutcome,
  type BreakerState,
  type BreakerStateChange,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
import { ConcurrencyGate } from './concurrency-gate.js';
import { LANE_DEFAULTS } from './defaults.js';
import { TokenBucket } from './token-bucket.js';

/** A destination's lane settings, as stored on the destination. */
export interface LaneSettings {
  /** `max_in_flight`; default `LANE_DEFAULTS.maxInFlight`. */
  maxInFlight?: number;
  /** `rate_per_second`; absent or null means no rate limit. */
  ratePerSecond?: number | null;
  /** Default: one second of rate. */
  burst?: number | null;
}

/** Why a destination may not start an attempt now. */
export type LaneRefusal = 'circuit_open' | 'in_flight_cap' | 'rate_limited';

/** One started attempt's hold on its lane. Call exactly one of `finish` or `abandon`; later calls are ignored. */
export interface LanePermit {
  readonly destinationId: string;
  /** True for the half-open probe: its outcome closes or reopens the breaker. */
  readonly probe: boolean;
  /** The attempt got an answer: report it to the breaker and free the slot. */
  finish(outcome: BreakerOutcome): void;
  /** The attempt will report nothing (lease lost, shutdown): free the slot and any probe. */
  abandon(): void;
}

/**
 * Start now with the permit, or not: `retryAt` (epoch ms) says when to ask again; it is absent
 * for `in_flight_cap`, which ends when one of the destination's own attempts finishes.
 */
export type LaneDecision =
  | { start: true; permit: LanePermit }
  | { start: false; reason: LaneRefusal; retryAt?: number };

/** Options of {@link DestinationLanes}. */
export interface DestinationLanesOptions {
  clock?: Clock;
  /** Default `max_in_flight` for destinations that set none. */
  maxInFlight?: number;
  /** Breaker tuning, shared by every destination. */
  breaker?: Omit<CircuitBreakerOptions, 'clock' | 'onStateChange'>;
  onBreakerStateChange?: (destinationId: string, change: BreakerStateChange) => void;
}

interface Lane {
  breaker: CircuitBreaker;
  bucket: TokenBucket | undefined;
  /** The rate settings the bucket was built from; a change builds a new one. */
  rateKey: string;
}

/**
 * Every destination's lane in one process: its circuit breaker, concurrency cap and rate
 * limit, asked together through one synchronous question — "may destination X start an
 * attempt now, and if not, when?". Nothing is consumed unless all three say yes.
 */
export class DestinationLanes {
  readonly #clock: Clock;
  readonly #options: DestinationLanesOptions;
  readonly #gate: ConcurrencyGate;
  readonly #lanes = new Map<string, Lane>();

  constructor(options: DestinationLanesOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#options = options;
    this.#gate = new ConcurrencyGate({ maxInFlight: options.maxInFlight ?? LANE_DEFAULTS.maxInFlight });
  }

  /** Asks for a slot; on `start: true` the attempt must end with `finish` or `abandon`. */
  tryStart(destinationId: string, settings: LaneSettings = {}): LaneDecision {
    const now = this.#clock.now();
    const lane = this.#lane(destinationId, settings);
    const breaker = lane.breaker.peek(now);
    if (!breaker.allowed) return { start: false, reason: 'circuit_open', retryAt: breaker.retryAt };
    const limit = settings.maxInFlight ?? this.#options.maxInFlight ?? LANE_DEFAULTS.maxInFlight;
    if (this.#gate.isFull(destinationId, limit)) return { start: false, reason: 'in_flight_cap' };
    const rate = lane.bucket?.peek(now);
    if (rate && !rate.allowed) return { start: false, reason: 'rate_limited', retryAt: rate.retryAt };

    const slot = this.#gate.tryAcquire(destinationId, limit)!;
    lane.bucket?.tryTake(now);
    const admission = lane.breaker.admit(now);
    const probe = admission.allowed && admission.probe;
    let open = true;
    return {
      start: true,
      permit: {
        destinationId,
        probe,
        finish: (outcome) => {
          if (!open) return;
          open = false;
          slot.release();
          lane.breaker.record(outcome, { probe });
        },
        abandon: () => {
          if (!open) return;
          open = false;
          slot.release();
          lane.breaker.abandon({ probe });
        },
      },
    };
  }

  /**
   * Destinations that cannot start an attempt now (open breaker, probe out, at their cap, out
   * of tokens): the dispatcher leaves their deliveries unclaimed, so they are parked without
   * spending retry attempts.
   */
  blocked(): string[] {
    const now = this.#clock.now();
    const blocked = new Set(this.#gate.saturated());
    for (const [id, lane] of this.#lanes) {
      if (!lane.breaker.peek(now).allowed || lane.bucket?.peek(now).allowed === false) blocked.add(id);
    }
    return [...blocked];
  }

  /**
   * What a claim may take for each destination now: the destinations whose deliveries must stay
   * unclaimed (open breaker, probe out, no tokens), attempts in flight per destination (the claim
   * subtracts them from each destination's `max_in_flight`, times the dispatcher's ready depth),
   * and further caps: the tokens left in a rate limit, 1 for a half-open breaker's probe. A claim
   * that respects these hands back nothing `tryStart` refuses.
   *
   * A lane at its in-flight cap is not in `blocked` (unlike {@link blocked}): it cannot start
   * now, but it will when an answer comes, and the dispatcher holds deliveries ready for exactly
   * that moment. Excluding full lanes left a busy destination with nothing ready: it drained
   * while the next claim ran, and its throughput was one claim's worth per claim round trip.
   */
  claimLimits(): { blocked: string[]; inFlight: Map<string, number>; caps: Map<string, number> } {
    const now = this.#clock.now();
    const caps = new Map<string, number>();
    const blocked: string[] = [];
    for (const [id, lane] of this.#lanes) {
      const breaker = lane.breaker.peek(now);
      if (!breaker.allowed || lane.bucket?.peek(now).allowed === false) {
        blocked.push(id);
        continue;
      }
      let cap = breaker.probe ? 1 : Number.POSITIVE_INFINITY;
      if (lane.bucket) cap = Math.min(cap, lane.bucket.available(now));
      if (cap !== Number.POSITIVE_INFINITY) caps.set(id, cap);
    }
    return { blocked, inFlight: this.#gate.counts(), caps };
  }

  /** The destination's breaker state (`closed` for one never seen). */
  breakerState(destinationId: string): BreakerState {
    return this.#lanes.get(destinationId)?.breaker.state ?? 'closed';
  }

  /** Breaker state per known destination, for the metrics gauge. */
  breakerStates(): Map<string, BreakerState> {
    return new Map([...this.#lanes].map(([id, lane]) => [id, lane.breaker.state]));
  }

  /** Attempts in flight to the destination. */
  inFlight(destinationId: string): number {
    return this.#gate.inFlight(destinationId);
  }

  /** Drops a deleted destination's breaker and bucket (attempts in flight still release their slots). */
  forget(destinationId: string): void {
    this.#lanes.delete(destinationId);
  }

  #lane(id: string, settings: LaneSettings): Lane {
    let lane = this.#lanes.get(id);
    if (!lane) {
      const onChange = this.#options.onBreakerStateChange;
      lane = {
        breaker: new CircuitBreaker({
          ...this.#options.breaker,
          clock: this.#clock,
          ...(onChange ? { onStateChange: (change: BreakerStateChange) => onChange(id, change) } : {}),
        }),
        bucket: undefined,
        rateKey: '',
      };
      this.#lanes.set(id, lane);
    }
    // A destination's rate may be edited at any time; a new setting starts a fresh bucket.
    const rate = settings.ratePerSecond ?? undefined;
    const burst = settings.burst ?? undefined;
    const key = rate === undefined ? '' : `${rate}/${burst ?? 'default'}`;
    if (lane.rateKey !== key) {
      lane.rateKey = key;
      lane.bucket =
        rate === undefined
          ? undefined
          : new TokenBucket({ ratePerSecond: rate, ...(burst === undefined ? {} : { burst }), clock: this.#clock });
    }
    return lane;
  }
}
