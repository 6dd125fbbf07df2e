import { type Clock, systemClock } from '../clock.js';
import { LANE_DEFAULTS } from './defaults.js';
import { OutcomeWindow } from './outcome-window.js';

/** The breaker's states, as metrics export them. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** What an attempt came to, from the breaker's point of view (the dispatcher decides which results fail). */
export type BreakerOutcome = 'success' | 'failure';

/** A transition, for metrics, logs and operational events (`destination.recovered`). */
export interface BreakerStateChange {
  from: BreakerState;
  to: BreakerState;
  /** Epoch ms. */
  at: number;
}

/** Options of {@link CircuitBreaker}; every number defaults to `LANE_DEFAULTS.breaker`. */
export interface CircuitBreakerOptions {
  clock?: Clock;
  windowMs?: number;
  buckets?: number;
  minimumAttempts?: number;
  failureRatio?: number;
  coolDownMs?: number;
  probeTimeoutMs?: number;
  onStateChange?: (change: BreakerStateChange) => void;
}

/**
 * May an attempt start? `probe` marks the single half-open attempt whose outcome decides;
 * when refused, `retryAt` (epoch ms) is when to ask again.
 */
export type BreakerAdmission = { allowed: true; probe: boolean } | { allowed: false; retryAt: number };

/**
 * A per-destination circuit breaker. Closed: attempts run and their outcomes fill a sliding
 * window; when at least `minimumAttempts` outcomes are in it and `failureRatio` of them
 * failed, it opens. Open: nothing starts (the dispatcher parks deliveries without spending
 * their retries) until `coolDownMs` has passed. Half-open: one probe starts; success closes the
 * breaker, failure opens it again. Synchronous; time comes only from the injected clock.
 */
export class CircuitBreaker {
  readonly #clock: Clock;
  readonly #window: OutcomeWindow;
  readonly #minimumAttempts: number;
  readonly #failureRatio: number;
  readonly #coolDownMs: number;
  readonly #probeTimeoutMs: number;
  readonly #onStateChange: ((change: BreakerStateChange) => void) | undefined;
  #state: BreakerState = 'closed';
  #openedAt = 0;
  #probeStartedAt: number | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    const d = LANE_DEFAULTS.breaker;
    this.#clock = options.clock ?? systemClock;
    this.#window = new OutcomeWindow(options.windowMs ?? d.windowMs, options.buckets ?? d.buckets);
    this.#minimumAttempts = options.minimumAttempts ?? d.minimumAttempts;
    this.#failureRatio = options.failureRatio ?? d.failureRatio;
    this.#coolDownMs = options.coolDownMs ?? d.coolDownMs;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? d.probeTimeoutMs;
    this.#onStateChange = options.onStateChange;
    if (!(this.#failureRatio > 0 && this.#failureRatio <= 1)) {
      throw new RangeError(`failureRatio must be in (0, 1], got ${this.#failureRatio}`);
    }
    if (!Number.isInteger(this.#minimumAttempts) || this.#minimumAttempts < 1) {
      throw new RangeError(`minimumAttempts must be an integer ≥ 1, got ${this.#minimumAttempts}`);
    }
  }

  /** The state now (an open breaker whose cool-down has passed reads as half-open). */
  get state(): BreakerState {
    return this.#refresh(this.#clock.now());
  }

  /** Asks without committing: the half-open probe slot is not taken. */
  peek(now = this.#clock.now()): BreakerAdmission {
    const state = this.#refresh(now);
    if (state === 'closed') return { allowed: true, probe: false };
    if (state === 'open') return { allowed: false, retryAt: this.#openedAt + this.#coolDownMs };
    // A probe whose worker never reported (crash, lost lease) must not wedge the breaker.
    if (this.#probeStartedAt !== undefined && now < this.#probeStartedAt + this.#probeTimeoutMs) {
      return { allowed: false, retryAt: this.#probeStartedAt + this.#probeTimeoutMs };
    }
    return { allowed: true, probe: true };
  }

  /** Asks and, when allowed in half-open, takes the probe slot. */
  admit(now = this.#clock.now()): BreakerAdmission {
    const admission = this.peek(now);
    if (admission.allowed && admission.probe) this.#probeStartedAt = now;
    return admission;
  }

  /**
   * Reports an attempt's outcome, with the admission it started under. Only the probe decides
   * a half-open breaker; outcomes of attempts that started before the breaker opened are ignored.
   */
  record(outcome: BreakerOutcome, admission: { probe: boolean } = { probe: false }, now = this.#clock.now()): void {
    const state = this.#refresh(now);
    if (state === 'half_open') {
      if (!admission.probe) return;
      this.#probeStartedAt = undefined;
      if (outcome === 'success') this.#transition('closed', now);
      else this.#open(now);
      return;
    }
    if (state === 'open') return;
    this.#window.record(outcome === 'success', now);
    if (outcome === 'failure') {
      const { successes, failures } = this.#window.counts(now);
      const total = successes + failures;
      if (total >= this.#minimumAttempts && failures / total >= this.#failureRatio) this.#open(now);
    }
  }

  /** Gives back a probe that will never report (lease lost, shutdown), so the next one may start at once. */
  abandon(admission: { probe: boolean }): void {
    if (admission.probe) this.#probeStartedAt = undefined;
  }

  /** What metrics and the dashboard show. */
  snapshot(now = this.#clock.now()): { state: BreakerState; successes: number; failures: number; retryAt?: number } {
    const state = this.#refresh(now);
    const counts = this.#window.counts(now);
    return state === 'open' ? { state, ...counts, retryAt: this.#openedAt + this.#coolDownMs } : { state, ...counts };
  }

  #refresh(now: number): BreakerState {
    if (this.#state === 'open' && now >= this.#openedAt + this.#coolDownMs) this.#transition('half_open', now);
    return this.#state;
  }

  #open(now: number): void {
    this.#openedAt = now;
    this.#transition('open', now);
  }

  #transition(to: BreakerState, at: number): void {
    const from = this.#state;
    this.#window.clear();
    this.#state = to;
    if (from !== to) this.#onStateChange?.({ from, to, at });
  }
}
