import { WebhookConfigError } from '../errors.js';

/**
 * What a {@link DedupeStore} answers when a delivery tries to claim its event id.
 * - `claimed`: this delivery runs the handlers; it must later `complete` or `release` with `token`.
 * - `in_progress`: another delivery holds an unexpired lease; answer so the sender retries later.
 * - `completed`: the event was processed already; acknowledge without running handlers.
 */
export type ClaimResult =
  | { status: 'claimed'; token: string }
  | { status: 'in_progress'; retryAfterMs: number | undefined }
  | { status: 'completed' };

/**
 * Idempotency by event id, with claim semantics. A claim is a lease: if the process dies
 * between `claim` and `complete`, the lease expires and a later delivery may claim again.
 * Implementations must make `claim` atomic across every process sharing the store.
 */
export interface DedupeStore {
  /** Claims `id` for processing, unless it is completed or leased by another delivery. */
  claim(id: string): Promise<ClaimResult>;
  /** Marks `id` processed; it is remembered for the store's TTL. */
  complete(id: string, token: string): Promise<void>;
  /** Gives the claim back (a handler failed) so the sender's retry can process the event. */
  release(id: string, token: string): Promise<void>;
}

/**
 * A store that can answer without I/O, like the in-memory default. For it the router runs a
 * delivery whose handlers are synchronous without a single promise hop (a few µs a delivery).
 * Each `…Sync` method must behave exactly like its asynchronous twin.
 */
export interface SyncDedupeStore extends DedupeStore {
  claimSync(id: string): ClaimResult;
  completeSync(id: string, token: string): void;
  releaseSync(id: string, token: string): void;
}

/** Whether `store` offers the synchronous methods of {@link SyncDedupeStore}. */
export function isSyncDedupeStore(store: DedupeStore): store is SyncDedupeStore {
  const candidate = store as Partial<SyncDedupeStore>;
  return (
    typeof candidate.claimSync === 'function' &&
    typeof candidate.completeSync === 'function' &&
    typeof candidate.releaseSync === 'function'
  );
}

/** Options every store accepts. */
export interface DedupeTimingOptions {
  /** How long completed ids are remembered, in seconds (default 86 400: a day). */
  ttlSeconds?: number;
  /**
   * How long a claim blocks other deliveries of the same id, in seconds (default 60). After a
   * crash the event is processed again once the lease expires; keep it longer than your handlers
   * take and shorter than the sender's retry window (the platform retries for about two minutes).
   */
  leaseSeconds?: number;
}

/** Defaults shared by every store. */
export const DEDUPE_DEFAULTS = Object.freeze({ ttlSeconds: 86_400, leaseSeconds: 60 });

/** Resolves and checks the timing options, in milliseconds. */
export function dedupeTiming(options: DedupeTimingOptions = {}): { ttlMs: number; leaseMs: number } {
  const ttl = options.ttlSeconds ?? DEDUPE_DEFAULTS.ttlSeconds;
  const lease = options.leaseSeconds ?? DEDUPE_DEFAULTS.leaseSeconds;
  for (const [name, value] of [
    ['ttlSeconds', ttl],
    ['leaseSeconds', lease],
  ] as const) {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new WebhookConfigError(
        'invalid_option',
        `dedupe store: \`${name}\` must be a positive number of seconds, got ${String(value)}.`,
      );
    }
  }
  return { ttlMs: Math.round(ttl * 1000), leaseMs: Math.round(lease * 1000) };
}

// Random per process, then a counter: unique across processes sharing a store, and cheap.
// (Drawing fresh random bytes per claim cost ~6 % of a request's CPU in bench:http.)
let tokenPrefix: string | undefined;
let tokenCounter = 0;

/** A claim token unique across processes, so a stale holder can never release a newer holder's claim. */
export function claimToken(): string {
  if (tokenPrefix === undefined) {
    let hex = '';
    for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(12))) hex += byte.toString(16).padStart(2, '0');
    tokenPrefix = hex;
  }
  tokenCounter = (tokenCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${tokenPrefix}${tokenCounter.toString(36)}`;
}
