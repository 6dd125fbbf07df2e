import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics, all defined here so every part of the relay records into one place.
 * Gauges that describe stored state (queue depth, oldest due delivery, disabled destinations,
 * replay progress) are filled by `collectors` registered when the store is known, at scrape time.
 */
export interface RelayMetrics {
  registry: Registry;
  /** Ingress requests by source and result (accepted, duplicate, or the rejection code). */
  ingress: Counter<'source' | 'result'>;
  /** Finished delivery attempts by destination and outcome class (delivered, retry, failed, disabled, refused). */
  deliveries: Counter<'destination' | 'outcome'>;
  /** Attempt latency in seconds, by destination. */
  attemptLatency: Histogram<'destination'>;
  /** Deliveries waiting to be attempted (pending), by destination. */
  queueDepth: Gauge<'destination'>;
  /** Age in seconds of the oldest delivery that is due now, by destination (0 when none is due). */
  oldestDueAge: Gauge<'destination'>;
  /** Circuit breaker state per destination: 0 closed, 1 half-open, 2 open. */
  breakerState: Gauge<'destination'>;
  /** Destinations that are disabled (1) or enabled (0). */
  destinationDisabled: Gauge<'destination'>;
  /** Replay job progress (matched, enqueued, skipped) of unfinished jobs and those finished in the last hour. */
  replayProgress: Gauge<'job' | 'measure'>;
}

/** Breaker states as the `hookline_breaker_state` gauge encodes them. */
export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export function createMetrics(): RelayMetrics {
  // A registry per relay, so several relays in one process (tests) never share counters.
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    ingress: new Counter({
      name: 'hookline_ingress_requests_total',
      help: 'Ingress requests by source and result (accepted, duplicate, or the rejection code).',
      labelNames: ['source', 'result'] as const,
      registers,
    }),
    deliveries: new Counter({
      name: 'hookline_delivery_attempts_total',
      help: 'Finished delivery attempts by destination and outcome class.',
      labelNames: ['destination', 'outcome'] as const,
      registers,
    }),
    attemptLatency: new Histogram({
      name: 'hookline_attempt_duration_seconds',
      help: 'Delivery attempt latency in seconds, by destination.',
      labelNames: ['destination'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'hookline_queue_depth',
      help: 'Deliveries waiting to be attempted, by destination.',
      labelNames: ['destination'] as const,
      registers,
    }),
    oldestDueAge: new Gauge({
      name: 'hookline_oldest_due_delivery_age_seconds',
      help: 'Age of the oldest delivery that is due now, by destination.',
      labelNames: ['destination'] as const,
      registers,
    }),
    breakerState: new Gauge({
      name: 'hookline_breaker_state',
      help: 'Circuit breaker state per destination: 0 closed, 1 half-open, 2 open.',
      labelNames: ['destination'] as const,
      registers,
    }),
    destinationDisabled: new Gauge({
      name: 'hookline_destination_disabled',
      help: 'Whether a destination is disabled (1) or enabled (0).',
      labelNames: ['destination'] as const,
      registers,
    }),
    replayProgress: new Gauge({
      name: 'hookline_replay_progress',
      help: 'Replay job progress by job and measure (matched, enqueued, skipped): unfinished jobs and those finished in the last hour.',
      labelNames: ['job', 'measure'] as const,
      registers,
    }),
  };
}
