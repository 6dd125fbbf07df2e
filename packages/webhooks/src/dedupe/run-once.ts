import type { DedupeStore } from './dedupe-store.js';

/** What happened to a delivery after deduplication. */
export type DedupeOutcome =
  | { status: 'processed' }
  | { status: 'duplicate' }
  | { status: 'in_progress'; retryAfterMs: number | undefined };

/**
 * Runs `work` at most once per id across everything sharing `store`: claim, run, then complete
 * on success or release on failure (so the sender's retry can run it again).
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
  await store.complete(id, claim.token);
  return { status: 'processed' };
}
