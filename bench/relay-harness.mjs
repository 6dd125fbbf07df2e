// The pieces of `npm run bench:relay`, in one place for its smoke test (bench/test/relay-bench.test.ts).

export { postgresCpuMs } from './relay-cpu.mjs';
export { DESTINATIONS, expectedArrivals, HANGING, signedEvent } from './relay-events.mjs';
export { findPostgres, startReceiver } from './relay-processes.mjs';
export { renderResults, renderSection } from './relay-report.mjs';
export { measureEndToEnd, measureFloor, measureIngress } from './relay-scenarios.mjs';
export { percentile, summarizeDeliveries } from './relay-stats.mjs';
