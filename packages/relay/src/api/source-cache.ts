import type { RelayContext } from '../relay-context.js';
import type { Store } from '../store/types.js';
import { type ResolvedSource, resolveSource } from './sources.js';

/**
 * How long a PostgreSQL relay trusts a cached source. Another relay process on the same database
 * may rotate or delete it, and nothing tells this process; so a change made elsewhere takes effect
 * here within this bound, at the price of one `getSource` per source per second. (A version
 * check on every request would cost a round trip per event, which is what the cache removes.)
 * A change made through this process takes effect at once, on either database.
 */
export const SOURCE_CACHE_TTL_MS = 1_000;

interface Entry {
  source: ResolvedSource;
  /** `relay.clock.now()` when read; on PostgreSQL the entry is stale after SOURCE_CACHE_TTL_MS. */
  readAt: number;
}

/**
 * Decrypted sources by name, so ingress neither queries the database nor decrypts keys for
 * every event. Unknown names are not cached (they answer 404 and need no speed), so the cache
 * holds at most one entry per existing source.
 */
class SourceCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  /** Bumped by every invalidation: a read that began before one must not fill the cache. */
  #generation = 0;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  async resolve(relay: RelayContext, name: string): Promise<ResolvedSource | null> {
    const now = relay.clock.now();
    const cached = this.#entries.get(name);
    if (cached && now - cached.readAt < this.#ttlMs) return cached.source;
    const generation = this.#generation;
    const source = await resolveSource(relay, name);
    if (generation === this.#generation) {
      if (source) this.#entries.set(name, { source, readAt: now });
      else this.#entries.delete(name);
    }
    return source;
  }

  invalidate(name: string): void {
    this.#generation++;
    this.#entries.delete(name);
  }
}

// One cache per store, so relays that share a store (tests, embedding) see each other's changes.
const caches = new WeakMap<Store, SourceCache>();

function cacheOf(store: Store): SourceCache {
  let cache = caches.get(store);
  if (!cache) {
    // SQLite has one writer process (the data-directory lock), so invalidation here is exact.
    cache = new SourceCache(store.kind === 'postgres' ? SOURCE_CACHE_TTL_MS : Number.POSITIVE_INFINITY);
    caches.set(store, cache);
  }
  return cache;
}

/** {@link resolveSource} through the cache: what ingress uses. */
export function resolveCachedSource(relay: RelayContext, name: string): Promise<ResolvedSource | null> {
  return cacheOf(relay.store).resolve(relay, name);
}

/** Forgets `name`; every write to a source calls it once the write has committed. */
export function invalidateSource(relay: RelayContext, name: string): void {
  cacheOf(relay.store).invalidate(name);
}
