import { type Clock, systemClock } from '../clock.js';
import { LANE_DEFAULTS, RATE_EPSILON_MS } from './defaults.js';

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Sustained rate (`rate_per_second`); fractions allowed (0.5 is one every two seconds). */
  ratePerSecond: number;
  /** Attempts that may start at once after an idle spell. Default: one second's worth, at least 1. */
  burst?: number;
  clock?: Clock;
}

/** May one start now? If not, `retryAt` (epoch ms) is the first moment the answer is yes. */
export type RateDecision = { allowed: true } | { allowed: false; retryAt: number };

/**
 * A token bucket, kept as its GCRA equivalent: one "theoretical arrival time" instead of a
 * fractional token count that drifts with every refill. Over any window of T ms it allows at
 * most `burst + ratePerSecond * T / 1000` starts. Synchronous and pure given its clock.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly #clock: Clock;
  /** Milliseconds one token takes to refill. */
  readonly #interval: number;
  /** How far ahead of now the arrival time may run: the burst, in time. */
  readonly #tolerance: number;
  #tat = Number.NEGATIVE_INFINITY;

  constructor(options: TokenBucketOptions) {
    const { ratePerSecond } = options;
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
      throw new RangeError(`rate_per_second must be a positive number, got ${ratePerSecond}`);
    }
    const burst = options.burst ?? Math.max(1, Math.ceil(ratePerSecond * LANE_DEFAULTS.burstSeconds));
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`burst must be an integer ≥ 1, got ${burst}`);
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.#clock = options.clock ?? systemClock;
    this.#interval = 1000 / ratePerSecond;
    this.#tolerance = (burst - 1) * this.#interval;
  }

  /** Answers without taking a token. */
  peek(now = this.#clock.now()): RateDecision {
    const tat = Math.max(this.#tat, now);
    // The epsilon absorbs float rounding; retryAt uses the same one, so it is exactly the first
    // whole millisecond at which the answer turns to yes (a dispatcher never wakes too early or late).
    if (tat - now <= this.#tolerance + RATE_EPSILON_MS) return { allowed: true };
    return { allowed: false, retryAt: Math.ceil(tat - this.#tolerance - RATE_EPSILON_MS) };
  }

  /** How many tokens could be taken one after another now (0 when none). */
  available(now = this.#clock.now()): number {
    // The same float steps as tryTake, so the count is exactly what it would grant (a division
    // rounds differently at the boundary); at most `burst` steps.
    let tat = Math.max(this.#tat, now);
    let count = 0;
    while (count < this.burst && tat - now <= this.#tolerance + RATE_EPSILON_MS) {
      count++;
      tat += this.#interval;
    }
    return count;
  }

  /** Takes a token if one is available. */
  tryTake(now = this.#clock.now()): RateDecision {
    const decision = this.peek(now);
    if (decision.allowed) this.#tat = Math.max(this.#tat, now) + this.#interval;
    return decision;
  }
}
