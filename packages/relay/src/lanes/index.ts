// Per-destination lanes (issue 6): concurrency caps, rate limits, circuit breakers and the
// auto-disable policy. Synchronous and clock-injected, so the dispatcher asks and never waits.

export { type AutoDisableDecision, autoDisableReason, decideAutoDisable, nextFailingSince } from './auto-disable.js';
export {
  type BreakerAdmission,
  type BreakerOutcome,
  type BreakerState,
  type BreakerStateChange,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
export { ConcurrencyGate, type SlotPermit } from './concurrency-gate.js';
export { LANE_DEFAULTS } from './defaults.js';
export {
  DestinationLanes,
  type DestinationLanesOptions,
  type LaneDecision,
  type LanePermit,
  type LaneRefusal,
  type LaneSettings,
} from './destination-lanes.js';
export { type RateDecision, TokenBucket, type TokenBucketOptions } from './token-bucket.js';
