// @hookline/relay: a self-hosted gateway for Claude Managed Agents webhooks. Durable ingress,
// fan-out to destinations with signed deliveries and long retries, and a delivery log API.

export { type RunOptions, runRelayCommand } from './cli/run-relay-command.js';
export { type Clock, systemClock } from './clock.js';
export { DEFAULT_RETRY_SCHEDULE_SECONDS, DEFAULTS } from './config/defaults.js';
export { loadConfig, RelayConfigError } from './config/load-config.js';
export { defaultConfig, type RelayConfig } from './config/relay-config.js';
export { nextRetryDelayMs, parseRetryAfter } from './dispatcher/retry-schedule.js';
export { matchesEventType } from './event-type-filter.js';
export { buildOpenApi } from './http/openapi.js';
// Lanes (concurrency caps, rate limits, breakers, auto-disable) and the SSRF guard the dispatcher uses; exported for embedding and tools.
export * from './lanes/index.js';
export { type Relay, type RelayOptions, startRelay } from './relay.js';
export * from './ssrf/index.js';
export { openStore } from './store/open-store.js';
export { StoreUnavailableError } from './store/sql-driver.js';
export { DataDirectoryLockedError } from './store/sqlite/process-lock.js';
export type { Store } from './store/types.js';
