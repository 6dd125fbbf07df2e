import { Counter, Registry } from 'prom-client';

/** Prometheus metrics. Part 1 counts ingress outcomes (rejections must be visible); part 2 adds the rest. */
export interface RelayMetrics {
  registry: Registry;
  ingress: Counter<'source' | 'result'>;
}

export function createMetrics(): RelayMetrics {
  // A registry per relay, so several relays in one process (tests) never share counters.
  const registry = new Registry();
  const ingress = new Counter({
    name: 'hookline_ingress_requests_total',
    help: 'Ingress requests by source and result (accepted, duplicate, or the rejection code).',
    labelNames: ['source', 'result'] as const,
    registers: [registry],
  });
  return { registry, ingress };
}
