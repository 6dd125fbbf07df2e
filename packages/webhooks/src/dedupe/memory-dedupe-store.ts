import {
  type ClaimResult,
  claimToken,
  type DedupeTimingOptions,
  dedupeTiming,
  type SyncDedupeStore,
} from './dedupe-store.js';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions extends DedupeTimingOptions {
  /** The most ids kept; the least recently used go first (default 10 000). */
  maxEntries?: number;
  /** The clock in epoch milliseconds (default `Date.now`); injectable for tests. */
  now?: () => number;
}

interface Entry {
  state: 'processing' | 'completed';
  token: string;
  expiresAt: number;
}

/**
 * The default store: a bounded LRU with TTL in this process's memory. It deduplicates within
 * one process only; with several replicas use a shared store from `@hookline/stores`.
 */
export class MemoryDedupeStore implements SyncDedupeStore {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #leaseMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    const { ttlMs, leaseMs } = dedupeTiming(options);
    this.#ttlMs = ttlMs;
    this.#leaseMs = leaseMs;
    this.#maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 10_000));
    this.#now = options.now ?? Date.now;
  }

  /** How many ids are held (expired ones may still be counted until touched). */
  get size(): number {
    return this.#entries.size;
  }

  async claim(id: string): Promise<ClaimResult> {
    return this.claimSync(id);
  }

  async complete(id: string, token: string): Promise<void> {
    this.completeSync(id, token);
  }

  async release(id: string, token: string): Promise<void> {
    this.releaseSync(id, token);
  }

  claimSync(id: string): ClaimResult {
    const now = this.#now();
    const entry = this.#entries.get(id);
    if (entry && entry.expiresAt > now) {
      if (entry.state === 'completed') {
        this.#touch(id, entry);
        return { status: 'completed' };
      }
      return { status: 'in_progress', retryAfterMs: entry.expiresAt - now };
    }
    const token = claimToken();
    this.#set(id, { state: 'processing', token, expiresAt: now + this.#leaseMs });
    return { status: 'claimed', token };
  }

  completeSync(id: string, token: string): void {
    // Even a holder whose lease was taken over completes: the work is done either way, and
    // remembering it stops further duplicates. The token only guards `release`.
    const expiresAt = this.#now() + this.#ttlMs;
    const entry = this.#entries.get(id);
    if (entry?.token === token) {
      // Still our claim's entry: update it in place, saving a delete and an insert per delivery.
      // It keeps the LRU place its claim gave it, at most one handler run ago.
      entry.state = 'completed';
      entry.expiresAt = expiresAt;
      return;
    }
    this.#set(id, { state: 'completed', token, expiresAt });
  }

  releaseSync(id: string, token: string): void {
    const entry = this.#entries.get(id);
    if (entry?.state === 'processing' && entry.token === token) this.#entries.delete(id);
  }

  #touch(id: string, entry: Entry): void {
    // Map keeps insertion order: re-inserting moves the id to the most recently used end.
    this.#entries.delete(id);
    this.#entries.set(id, entry);
  }

  #set(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    if (this.#entries.size > this.#maxEntries) this.#evict();
  }

  #evict(): void {
    // Evict the oldest tenth in one pass. Deleting one entry per insert from the front of a Map
    // makes each keys().next() skip every earlier hole: that cost ~5 µs a delivery at 10 000
    // entries in bench:http.
    let excess = this.#entries.size - (this.#maxEntries - Math.floor(this.#maxEntries / 10));
    for (const id of this.#entries.keys()) {
      if (excess-- <= 0) break;
      this.#entries.delete(id);
    }
  }
}
