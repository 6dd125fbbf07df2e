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
}

export interface PrunePreview extends PruneCounts {
  /** Events older than the cut-off that are kept because a delivery is still pending. */
  keptPending: number;
}

/** The retention part of the Store (implemented in store/sql/retention-queries.ts). */
export interface RetentionStore {
  /** Deletes at most `limit` expired events (and their deliveries and attempts) and `limit` old attempts, in one transaction. */
  pruneBatch(options: { before: number; limit: number }): Promise<PruneCounts>;
  /** Counts what pruning everything received before `before` would delete, deleting nothing. */
  previewPrune(before: number): Promise<PrunePreview>;
}
