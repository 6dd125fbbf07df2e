// The gauges that describe stored state (queue depth, oldest due delivery, disabled
// destinations, replay progress) are filled from two cheap store reads just before each scrape,
// so they are never staler than the scrape itself, cost nothing between scrapes, and every
// process on one database (an api process that never runs a job too) reports the same values.
import { Gauge } from 'prom-client';
import type { RelayMetrics } from '../metrics.js';
import type { RelayContext } from '../relay-context.js';

/** A scrape must answer even when the database hangs: Prometheus' default scrape timeout is 10 s. */
export const STATE_READ_TIMEOUT_MS = 2_000;

/**
 * `hookline_replay_progress` reports every unfinished job, and finished ones for an hour: long
 * enough that scrapes see a job's final numbers and a dashboard opened afterwards still shows
 * how it ended, short enough that finished jobs (kept for the whole retention age) do not grow
 * the series without bound.
 */
export const REPLAY_FINISHED_VISIBLE_MS = 60 * 60_000;
/** At most this many jobs (three series each) per scrape, unfinished ones first. */
export const REPLAY_GAUGE_MAX_JOBS = 50;

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

function resetStateGauges(metrics: RelayMetrics): void {
  metrics.queueDepth.reset();
  metrics.oldestDueAge.reset();
  metrics.destinationDisabled.reset();
  metrics.replayProgress.reset();
}

/**
 * Sets `hookline_queue_depth`, `hookline_oldest_due_delivery_age_seconds` and
 * `hookline_destination_disabled` for every destination, and `hookline_replay_progress` for
 * the jobs that are unfinished or finished recently. Never throws: when the database is down the
 * state gauges are cleared (a stale queue depth would mislead more than a gap) and
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
  let jobs: Awaited<ReturnType<typeof relay.store.listReportedReplayJobs>>;
  try {
    [states, jobs] = await withTimeout(
      Promise.all([
        relay.store.destinationQueueStates(now),
        relay.store.listReportedReplayJobs({
          finishedSince: now - REPLAY_FINISHED_VISIBLE_MS,
          limit: REPLAY_GAUGE_MAX_JOBS,
        }),
      ]),
      timeoutMs,
    );
  } catch (error) {
    resetStateGauges(metrics);
    up.set(0);
    relay.logger.warn({ err: error }, 'reading queue state for /metrics failed; state gauges left out');
    return;
  }
  // Reset first so a deleted destination or an old job disappears instead of keeping its last value.
  resetStateGauges(metrics);
  for (const state of states) {
    const labels = { destination: state.destinationId };
    metrics.queueDepth.set(labels, state.pending);
    metrics.oldestDueAge.set(labels, state.oldestDueAt === null ? 0 : Math.max(0, now - state.oldestDueAt) / 1000);
    metrics.destinationDisabled.set(labels, state.enabled ? 0 : 1);
  }
  for (const job of jobs) {
    for (const measure of ['matched', 'enqueued', 'skipped'] as const) {
      metrics.replayProgress.set({ job: job.id, measure }, job[measure]);
    }
  }
  up.set(1);
}
