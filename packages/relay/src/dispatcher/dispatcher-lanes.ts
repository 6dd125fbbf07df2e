import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { CircuitBreakerOptions } from '../lanes/circuit-breaker.js';
import { DestinationLanes } from '../lanes/destination-lanes.js';
import { BREAKER_STATE_VALUE, type RelayMetrics } from '../metrics.js';

/**
 * The dispatcher's lanes: one {@link DestinationLanes} whose breaker transitions feed the
 * `hookline_breaker_state` gauge, the log, and `onRecovered` (a half-open probe got a 2xx after
 * the breaker had opened: the `destination.recovered` operational event).
 */
export function createDispatcherLanes(options: {
  clock: Clock;
  logger: Logger;
  metrics?: RelayMetrics | undefined;
  /** Default `max_in_flight` of a destination that sets none. */
  maxInFlight: number;
  breaker?: Omit<CircuitBreakerOptions, 'clock' | 'onStateChange'> | undefined;
  onRecovered: (destinationId: string, at: number) => void;
}): DestinationLanes {
  return new DestinationLanes({
    clock: options.clock,
    maxInFlight: options.maxInFlight,
    ...(options.breaker ? { breaker: options.breaker } : {}),
    onBreakerStateChange: (destinationId, change) => {
      options.metrics?.breakerState.set({ destination: destinationId }, BREAKER_STATE_VALUE[change.to]);
      options.logger.warn({ destination_id: destinationId, from: change.from, to: change.to }, 'circuit breaker');
      if (change.from === 'half_open' && change.to === 'closed') options.onRecovered(destinationId, change.at);
    },
  });
}
