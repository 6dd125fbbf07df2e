import { type ClaimResult, type DedupeTimingOptions, dedupeTiming, type SyncDedupeStore } from './dedupe-store.js';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions extends DedupeTimingOptions {
  /** The most ids kept; the least recently used go first (default 10 000). */
  maxEntries?: number;
  /** The clock in epoch milliseconds (default `Date.now`); injectable for tests. */
  now?: () => number;
}

// The state of an id's slot. A slot no id maps to is free, whatever it still holds.
const PROCESSING = 1;
const COMPLETED = 2;
/** Slots the arrays start with; they double up to `maxEntries + 1`. */
const INITIAL_SLOTS = 1024;

/**
 * The default store: a bounded LRU with TTL in this process's memory. It deduplicates within
 * one process only; with several replicas use a shared store from `@hookline/stores`.
 *
 * Each id's state, expiry and claim number live in typed arrays at the id's slot, not in an
 * object per id. Every remembered id outlives a few minor GCs, and each of them copies what the
 * id holds. With an entry object, its boxed expiry and its token string per id, a claim and
 * completion took 390–760 ns instead of 250, the server spent 0.5–0.8 µs more a request in
 * bench:http, and under pipelined load GC took up to five times as long (docs/benchmarks.md).
 */
export class MemoryDedupeStore implements SyncDedupeStore {
  /** Id → slot, least recently used first: a Map keeps insertion order, re-inserting moves to the end. */
  readonly #slots = new Map<string, number>();
  #state = new Uint8Array(0);
  #expiresAt = new Float64Array(0);
  /** The number of the claim holding each slot; its token is that number as a string. */
  #claim = new Float64Array(0);
  /** Slots given back by eviction and release, reused before new ones. */
  readonly #freeSlots: number[] = [];
  /** Slots handed out so far; the arrays' length is the capacity. */
  #highWater = 0;
  #claims = 0;
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
    return this.#slots.size;
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
    const slot = this.#slots.get(id);
    // A slot within the arrays always reads a number; 0 for an id not held.
    const expiresAt = slot === undefined ? 0 : (this.#expiresAt[slot] as number);
    if (slot !== undefined && expiresAt > now) {
      if (this.#state[slot] === COMPLETED) {
        this.#touch(id, slot);
        return { status: 'completed' };
      }
      return { status: 'in_progress', retryAfterMs: expiresAt - now };
    }
    const claim = ++this.#claims;
    this.#write(id, slot, PROCESSING, claim, now + this.#leaseMs);
    return { status: 'claimed', token: String(claim) };
  }

  completeSync(id: string, token: string): void {
    // Even a holder whose lease was taken over completes: the work is done either way, and
    // remembering it stops further duplicates. The token only guards `release`.
    const expiresAt = this.#now() + this.#ttlMs;
    const claim = Number(token);
    const slot = this.#slots.get(id);
    if (slot !== undefined && this.#claim[slot] === claim) {
      // Still our claim's slot: update it in place, saving a delete and an insert per delivery.
      // It keeps the LRU place its claim gave it, at most one handler run ago.
      this.#state[slot] = COMPLETED;
      this.#expiresAt[slot] = expiresAt;
      return;
    }
    this.#write(id, slot, COMPLETED, claim, expiresAt);
  }

  releaseSync(id: string, token: string): void {
    const slot = this.#slots.get(id);
    if (slot === undefined || this.#state[slot] !== PROCESSING || this.#claim[slot] !== Number(token)) return;
    this.#slots.delete(id);
    this.#freeSlots.push(slot);
  }

  #touch(id: string, slot: number): void {
    this.#slots.delete(id);
    this.#slots.set(id, slot);
  }

  /** Sets an id's state, claim and expiry, in its slot or a new one, as the most recently used. */
  #write(id: string, existing: number | undefined, state: number, claim: number, expiresAt: number): void {
    const slot = existing ?? this.#freeSlot();
    this.#state[slot] = state;
    this.#claim[slot] = claim;
    this.#expiresAt[slot] = expiresAt;
    this.#touch(id, slot);
    if (this.#slots.size > this.#maxEntries) this.#evict();
  }

  #freeSlot(): number {
    const reused = this.#freeSlots.pop();
    if (reused !== undefined) return reused;
    if (this.#highWater === this.#state.length) this.#grow();
    return this.#highWater++;
  }

  #grow(): void {
    // One more than maxEntries: an id is written before the oldest are evicted.
    const length = Math.min(this.#maxEntries + 1, Math.max(INITIAL_SLOTS, this.#state.length * 2));
    const state = new Uint8Array(length);
    const expiresAt = new Float64Array(length);
    const claim = new Float64Array(length);
    state.set(this.#state);
    expiresAt.set(this.#expiresAt);
    claim.set(this.#claim);
    this.#state = state;
    this.#expiresAt = expiresAt;
    this.#claim = claim;
  }

  #evict(): void {
    // Evict the oldest tenth in one pass. Deleting one entry per insert from the front of a Map
    // makes each keys().next() skip every earlier hole: that cost ~5 µs a delivery at 10 000
    // entries in bench:http.
    let excess = this.#slots.size - (this.#maxEntries - Math.floor(this.#maxEntries / 10));
    for (const [id, slot] of this.#slots) {
      if (excess-- <= 0) break;
      this.#slots.delete(id);
      this.#freeSlots.push(slot);
    }
  }
}
