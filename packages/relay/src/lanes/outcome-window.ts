/** Successes and failures counted over the window. */
export interface OutcomeCounts {
  successes: number;
  failures: number;
}

interface Bucket extends OutcomeCounts {
  /** Which slice of time (now / bucketMs, floored) the counts belong to. */
  slice: number;
}

/**
 * Outcomes over the last `windowMs`, kept in `buckets` slices: memory is constant at any
 * attempt rate, and the window slides a slice (windowMs / buckets) at a time.
 */
export class OutcomeWindow {
  readonly #bucketMs: number;
  readonly #buckets: Bucket[];

  constructor(windowMs: number, buckets: number) {
    if (!(windowMs > 0) || !Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError(`invalid window: ${windowMs} ms in ${buckets} buckets`);
    }
    this.#bucketMs = windowMs / buckets;
    this.#buckets = Array.from({ length: buckets }, () => ({ slice: -1, successes: 0, failures: 0 }));
  }

  /** Counts one outcome at `now`. */
  record(success: boolean, now: number): void {
    const slice = Math.floor(now / this.#bucketMs);
    const bucket = this.#buckets[slice % this.#buckets.length]!;
    if (bucket.slice !== slice) Object.assign(bucket, { slice, successes: 0, failures: 0 });
    if (success) bucket.successes++;
    else bucket.failures++;
  }

  /** The counts of the slices that still lie within the window at `now`. */
  counts(now: number): OutcomeCounts {
    const current = Math.floor(now / this.#bucketMs);
    const totals = { successes: 0, failures: 0 };
    for (const bucket of this.#buckets) {
      if (bucket.slice > current - this.#buckets.length && bucket.slice <= current) {
        totals.successes += bucket.successes;
        totals.failures += bucket.failures;
      }
    }
    return totals;
  }

  /** Forgets everything (the breaker starts afresh after it closes or opens). */
  clear(): void {
    for (const bucket of this.#buckets) bucket.slice = -1;
  }
}
