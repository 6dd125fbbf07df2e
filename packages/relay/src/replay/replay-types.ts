// Replay jobs (`POST /v1/replays`): durable rows in `replay_jobs`, worked through in small
// batches under a lease, with a cursor so a job survives restarts and moves between processes.
import type { Page } from '../store/types.js';

/**
 * `failed`: put failed deliveries back in the outbox; `all`: deliver every matching event again
 * (a new delivery row); `missing`: deliver events a destination has no delivery row for (it was
 * created, or subscribed to the type, after they arrived).
 */
export type ReplayMode = 'failed' | 'all' | 'missing';
export const REPLAY_MODES: readonly ReplayMode[] = ['failed', 'all', 'missing'];

/** `queued` → `running` → `completed`; or `cancelled`; `failed` only for an error that retrying cannot fix. */
export type ReplayStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';

export interface ReplayJobRow {
  id: string;
  status: ReplayStatus;
  mode: ReplayMode;
  /** Events received at or after this time (ms)… */
  since: number;
  /** …and before this one. */
  until: number;
  destinationId: string | null;
  /** Exact types and `prefix.*` wildcards; empty means every type. */
  eventTypes: string[];
  dryRun: boolean;
  /** Where the next batch starts: the last event handled, as `received_at:id`; null before the first. */
  cursor: string | null;
  /** Events in the range whose type matches. */
  matched: number;
  /** Deliveries created or put back to pending (with `dry_run`: that would have been). */
  enqueued: number;
  /** (event, destination) pairs looked at and left alone: already pending, already delivered to, or not failed. */
  skipped: number;
  error: string | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface NewReplayJob {
  id: string;
  mode: ReplayMode;
  since: number;
  until: number;
  destinationId: string | null;
  eventTypes: string[];
  dryRun: boolean;
  createdAt: number;
}

export interface ReplayBatchOptions {
  jobId: string;
  owner: string;
  now: number;
  leaseMs: number;
  batchSize: number;
}

/** The replay part of the Store (implemented in store/sql/replay-queries.ts). */
export interface ReplayStore {
  insertReplayJob(job: NewReplayJob): Promise<ReplayJobRow>;
  getReplayJob(id: string): Promise<ReplayJobRow | null>;
  /** Newest first. */
  listReplayJobs(options: { after?: string | undefined; limit: number }): Promise<Page<ReplayJobRow>>;
  /** Unfinished jobs, then those finished at or after `finishedSince`; at most `limit` (what /metrics reports). */
  listReportedReplayJobs(options: { finishedSince: number; limit: number }): Promise<ReplayJobRow[]>;
  /** Cancels a queued or running job; null when it does not exist (a finished job is returned unchanged). */
  cancelReplayJob(id: string, now: number): Promise<ReplayJobRow | null>;
  /** Leases the oldest unfinished job nobody holds (or whose holder died), marking it running. */
  claimReplayJob(options: { owner: string; now: number; leaseMs: number }): Promise<ReplayJobRow | null>;
  /**
   * Handles the next batch of events in one transaction (enqueue, advance the cursor and the
   * counters, renew the lease). Returns the job after it, or null when `owner` no longer holds
   * it (cancelled, or taken over after its lease expired): then nothing was written.
   */
  runReplayBatch(options: ReplayBatchOptions): Promise<ReplayJobRow | null>;
  /** Gives a job back (shutdown) so another worker resumes it at once. */
  releaseReplayJob(id: string, owner: string): Promise<void>;
  /** Marks a job failed with the reason (an error retrying cannot fix). */
  failReplayJob(id: string, owner: string, error: string, now: number): Promise<void>;
  /** Frees every job lease; only for a store one process owns (embedded SQLite) at start-up. */
  releaseAllReplayLeases(): Promise<number>;
}
