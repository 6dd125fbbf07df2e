export {
  type ClaimResult,
  claimToken,
  DEDUPE_DEFAULTS,
  type DedupeStore,
  type DedupeTimingOptions,
  dedupeTiming,
  type SyncDedupeStore,
} from './dedupe-store.js';
export { MemoryDedupeStore, type MemoryDedupeStoreOptions } from './memory-dedupe-store.js';
export { type DedupeOutcome, runOnce } from './run-once.js';
