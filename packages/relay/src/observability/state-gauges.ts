// The gauges that describe stored state (queue depth, oldest due delivery, disabled
// destinations) are filled from one cheap store read just before each scrape, so they are never
// staler than the scrape itself and cost nothing between scrapes.
import { Gauge } from 'prom-client';
import type { RelayMetrics } from '../metrics.js';
import type { RelayContext } from '../relay-context.js';

/** A scrape must answer even when the database hangs: Prometheus' default scrape timeout is 10 s. */
export const STATE_READ_TIMEOUT_MS = 2_000;

// One per registry (a registry per relay); created on the first scrape of that relay.
const upGauges = new WeakMap<RelayMetrics, Gauge>();

function upGauge(metrics: RelayMetrics): Gauge {
  let gauge = upGauges.get(metrics);
  if (!gauge) {
    gauge = new Gauge({
      name: 'hookline_state_scrape_up',
      help: 'Whether this scrape could read queue state from the database (1) or not (0: the state gauges are absent).',
      registers: [metrics.registry],
    });
    upGauges.set(metrics, gauge);
  }
  return gauge;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reading queue state took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sets `hookline_queue_depth`, `hookline_oldest_due_delivery_age_seconds` and
 * `hookline_destination_disabled` for every destination. Never throws: when the database is
 * down the three gauges are cleared (a stale queue depth would mislead more than a gap) and
 * `hookline_state_scrape_up` says 0, while the counters and histograms still answer.
 */
export async function refreshStateGauges(
  relay: Pick<RelayContext, 'store' | 'clock' | 'metrics' | 'logger'>,
  timeoutMs = STATE_READ_TIMEOUT_MS,
): Promise<void> {
  const { metrics } = relay;
  const up = upGauge(metrics);
  const now = relay.clock.now();
  let states: Awaited<ReturnType<typeof relay.store.destinationQueueStates>>;
  try {
    states = await withTimeout(relay.store.destinationQueueStates(now), timeoutMs);
  } catch (error) {
    metrics.queueDepth.reset();
    metrics.oldestDueAge.reset();
    metrics.destinationDisabled.reset();
    up.set(0);
    relay.logger.warn({ err: error }, 'reading queue state for /metrics failed; state gauges left out');
    return;
  }
  // Reset first so a deleted destination disappears instead of keeping its last value.
  metrics.queueDepth.reset();
  metrics.oldestDueAge.reset();
  metrics.destinationDisabled.reset();
  for (const state of states) {
    const labels = { destination: state.destinationId };
    metrics.queueDepth.set(labels, state.pending);
    metrics.oldestDueAge.set(labels, state.oldestDueAt === null ? 0 : Math.max(0, now - state.oldestDueAt) / 1000);
    metrics.destinationDisabled.set(labels, state.enabled ? 0 : 1);
  }
  up.set(1);
}
