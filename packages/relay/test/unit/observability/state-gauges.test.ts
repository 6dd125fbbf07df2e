import { pino } from 'pino';
import { Gauge } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/metrics.js';
import { renderMetrics } from '../../../src/observability/render-metrics.js';
import { refreshStateGauges } from '../../../src/observability/state-gauges.js';
import type { ReplayJobRow } from '../../../src/replay/replay-types.js';
import type { DestinationQueueState, Store } from '../../../src/store/types.js';

const logger = pino({ level: 'silent' });
const clock = { now: () => 100_000 };
const storeWith = (read: () => Promise<DestinationQueueState[]>, jobs: Partial<ReplayJobRow>[] = []) =>
  ({ destinationQueueStates: read, listReportedReplayJobs: async () => jobs }) as unknown as Store;

describe('refreshStateGauges', () => {
  it('sets the gauges from the store, ages in seconds', async () => {
    const metrics = createMetrics();
    const store = storeWith(
      async () => [
        { destinationId: 'dst_a', enabled: true, pending: 3, oldestDueAt: 40_000 },
        { destinationId: 'dst_b', enabled: false, pending: 0, oldestDueAt: null },
      ],
      [{ id: 'rpl_1', matched: 7, enqueued: 5, skipped: 2 }],
    );
    await refreshStateGauges({ store, clock, metrics, logger });
    const text = await metrics.registry.metrics();
    expect(text).toContain('hookline_queue_depth{destination="dst_a"} 3');
    expect(text).toContain('hookline_oldest_due_delivery_age_seconds{destination="dst_a"} 60');
    expect(text).toContain('hookline_oldest_due_delivery_age_seconds{destination="dst_b"} 0');
    expect(text).toContain('hookline_destination_disabled{destination="dst_b"} 1');
    expect(text).toContain('hookline_replay_progress{job="rpl_1",measure="enqueued"} 5');
    expect(text).toContain('hookline_state_scrape_up 1');
  });

  it('gives up on a database that does not answer, clearing the state instead of keeping it', async () => {
    const metrics = createMetrics();
    let answer = true;
    const store = storeWith(
      () =>
        answer
          ? Promise.resolve([{ destinationId: 'dst_a', enabled: true, pending: 3, oldestDueAt: null }])
          : new Promise<never>(() => undefined),
      [{ id: 'rpl_1', matched: 1, enqueued: 1, skipped: 0 }],
    );
    await refreshStateGauges({ store, clock, metrics, logger });
    answer = false;
    await refreshStateGauges({ store, clock, metrics, logger }, 20);
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('hookline_queue_depth{');
    expect(text).not.toContain('hookline_replay_progress{');
    expect(text).toContain('hookline_state_scrape_up 0');
  });
});

describe('renderMetrics', () => {
  it('leaves out only a metric whose collector throws', async () => {
    const metrics = createMetrics();
    metrics.ingress.inc({ source: 'p', result: 'accepted' });
    new Gauge({
      name: 'broken_gauge',
      help: 'always fails',
      registers: [metrics.registry],
      collect() {
        throw new Error('collector failed');
      },
    });
    await expect(metrics.registry.metrics()).rejects.toThrow('collector failed');
    const text = await renderMetrics(metrics.registry, logger);
    expect(text).toContain('hookline_ingress_requests_total{source="p",result="accepted"} 1');
    expect(text).not.toContain('broken_gauge');
  });
});
