import type { DedupeStore } from './dedupe-store.js';

/** What happened to a delivery after deduplication. */
export type DedupeOutcome =
  /** `unrecorded`: the work succeeded but the store failed to record it (the error it threw). */
  | { status: 'processed'; unrecorded?: unknown }
  | { status: 'duplicate' }
  | { status: 'in_progress'; retryAfterMs: number | undefined };

/**
 * Runs `work` at most once per id across everything sharing `store`: claim, run, then complete
 * on success or release on failure (so the sender's retry can run it again). If the store fails
 * only at `complete`, the work still counts as processed; the outcome carries the error.
 */
export async function runOnce(store: DedupeStore, id: string, work: () => Promise<void>): Promise<DedupeOutcome> {
  const claim = await store.claim(id);
  if (claim.status === 'completed') return { status: 'duplicate' };
  if (claim.status === 'in_progress') return { status: 'in_progress', retryAfterMs: claim.retryAfterMs };
  try {
    await work();
  } catch (error) {
    // If the release fails too, the lease still expires; the handler's error is the one to report.
    await store.release(id, claim.token).catch(() => undefined);
    throw error;
  }
  try {
    await store.complete(id, claim.token);
  } catch (error) {
    // The work is done: failing the delivery now would only make the sender retry, and the
    // retry would run it again once the lease expires. The caller reports the store's error.
    return { status: 'processed', unrecorded: error };
  }
  return { status: 'processed' };
}
