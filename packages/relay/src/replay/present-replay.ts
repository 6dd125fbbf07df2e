import type { ReplayJobRow } from './replay-types.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A replay job as the API shows it (snake_case, ISO times; the lease is internal). */
export function presentReplay(job: ReplayJobRow) {
  return {
    id: job.id,
    status: job.status,
    mode: job.mode,
    since: iso(job.since),
    until: iso(job.until),
    destination_id: job.destinationId,
    event_types: job.eventTypes,
    dry_run: job.dryRun,
    matched: job.matched,
    enqueued: job.enqueued,
    skipped: job.skipped,
    error: job.error,
    created_at: iso(job.createdAt),
    updated_at: iso(job.updatedAt),
    finished_at: iso(job.finishedAt),
  };
}
