// Every default of the lanes, breaker and auto-disable policy, in one place. Each is a
// starting point the dispatcher may override per destination; the comments say why.
import { DEFAULTS } from '../config/defaults.js';

export const LANE_DEFAULTS = {
  /** Attempts in flight to one destination (`max_in_flight`); the relay config's value, so the two never disagree. */
  maxInFlight: DEFAULTS.maxInFlightPerDestination,
  /** With `rate_per_second` but no burst, a destination may take one second's worth at once (at least 1). */
  burstSeconds: 1,
  breaker: {
    /** Outcomes older than this no longer count: the breaker reacts to what a destination does now. */
    windowMs: 60_000,
    /** The window slides in steps of windowMs / buckets (5 s): memory stays constant at any rate. */
    buckets: 12,
    /** Below this many outcomes in the window the ratio means little; a quiet destination relies on retries. */
    minimumAttempts: 10,
    /** Opens when at least this share of the window's outcomes failed. */
    failureRatio: 0.5,
    /** How long an open breaker parks deliveries before one probe may test the destination. */
    coolDownMs: 30_000,
    /** A probe that never reports (its worker died) frees the half-open slot after this long; above the attempt timeout. */
    probeTimeoutMs: 60_000,
  },
  /** Failing without a single 2xx for this long disables a destination (the platform and Svix use 5 days). */
  autoDisableAfterMs: DEFAULTS.autoDisableAfterMs,
} as const;

/**
 * Slack in a token bucket's comparisons, in ms: it absorbs float rounding, so a token due at a
 * whole millisecond is granted at that millisecond. The in-process bucket and PostgreSQL's shared
 * one use the same value, so they agree on every grant.
 */
export const RATE_EPSILON_MS = 1e-6;
