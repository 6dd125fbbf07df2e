// Retention: events (with their payloads), deliveries and attempts older than the configured age
// are deleted in small batches; an event with a delivery still pending is always kept.

/** What one pruning pass deleted (or, for a dry run, would delete). */
export interface PruneCounts {
  /** Events, each with its stored payload (the exact body bytes live in the event row). */
  events: number;
  /** Deliveries of those events. */
  deliveries: number;
  /** Attempts of those deliveries, plus older attempts of deliveries that are kept. */
  attempts: number;
  /** Replay jobs that finished before the cut-off. */
  replayJobs: number;
  /** `Idempotency-Key` records past their TTL (they no longer answer anything). */
  idempotencyKeys: number;
}

export interface PrunePreview extends PruneCounts {
  /** Events older than the cut-off that are kept because a delivery is still pending. */
  keptPending: number;
}

export interface PruneOptions {
  /** Events received, attempts started and replay jobs finished before this are expired. */
  before: number;
  /** Idempotency keys created before this are expired (their TTL, not the retention age). */
  idempotencyBefore: number;
}

/** The retention part of the Store (implemented in store/sql/retention-queries.ts). */
export interface RetentionStore {
  /**
   * Deletes, in one transaction, at most `limit` each of: expired events (with their deliveries
   * and attempts), old attempts, finished replay jobs, and idempotency keys created before
   * `idempotencyBefore`.
   */
  pruneBatch(options: PruneOptions & { limit: number }): Promise<PruneCounts>;
  /** Counts what pruning would delete, deleting nothing. */
  previewPrune(options: PruneOptions): Promise<PrunePreview>;
}
