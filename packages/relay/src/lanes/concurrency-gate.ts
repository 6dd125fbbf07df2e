import { LANE_DEFAULTS } from './defaults.js';

/** One held slot; releasing twice is harmless, so a `finally` and an error path cannot free a slot they don't own. */
export interface SlotPermit {
  readonly key: string;
  release(): void;
}

interface Slots {
  inFlight: number;
  limit: number;
}

/**
 * Counts attempts in flight per destination and caps each at its own `max_in_flight`. Each
 * destination has its own counter, so one that hangs fills only its own slots, never another's.
 */
export class ConcurrencyGate {
  readonly #defaultLimit: number;
  readonly #slots = new Map<string, Slots>();

  constructor(options: { maxInFlight?: number } = {}) {
    this.#defaultLimit = options.maxInFlight ?? LANE_DEFAULTS.maxInFlight;
    assertLimit(this.#defaultLimit);
  }

  /** Takes a slot for the destination if it has one free (`limit`: its `max_in_flight`). */
  tryAcquire(key: string, limit = this.#defaultLimit): SlotPermit | undefined {
    assertLimit(limit);
    const slots = this.#slots.get(key) ?? { inFlight: 0, limit };
    slots.limit = limit; // a destination's cap may change while attempts run; the newest applies
    if (slots.inFlight >= limit) return undefined;
    slots.inFlight++;
    this.#slots.set(key, slots);
    let held = true;
    return {
      key,
      release: () => {
        if (!held) return;
        held = false;
        slots.inFlight--;
        if (slots.inFlight === 0 && this.#slots.get(key) === slots) this.#slots.delete(key);
      },
    };
  }

  /** True when the destination cannot start another attempt now. */
  isFull(key: string, limit?: number): boolean {
    const slots = this.#slots.get(key);
    return slots !== undefined && slots.inFlight >= (limit ?? slots.limit);
  }

  /** Attempts in flight to the destination. */
  inFlight(key: string): number {
    return this.#slots.get(key)?.inFlight ?? 0;
  }

  /** Attempts in flight per destination, for destinations with any. */
  counts(): Map<string, number> {
    return new Map([...this.#slots].map(([key, s]) => [key, s.inFlight]));
  }

  /** Destinations at their cap; the dispatcher leaves their deliveries unclaimed. */
  saturated(): string[] {
    return [...this.#slots].filter(([, s]) => s.inFlight >= s.limit).map(([key]) => key);
  }
}

function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`max_in_flight must be an integer ≥ 1, got ${limit}`);
}
