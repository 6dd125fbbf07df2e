// The messages between wal-checkpointer.ts and checkpoint-worker.ts.

export interface CheckpointWorkerData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs: number;
  minIntervalMs: number;
  truncateAfterPages: number;
}

/** To the worker: `checkpoint` (the WAL has grown; one pass, then one answer) or `stop`. */
export type CheckpointRequest = { type: 'checkpoint' } | { type: 'stop' };

/** A pass's last checkpoint, as `PRAGMA wal_checkpoint` reports it (WAL pages). */
export interface CheckpointDone {
  type: 'done';
  mode: 'PASSIVE' | 'TRUNCATE';
  busy: number;
  log: number;
  checkpointed: number;
}

/** From the worker, once per `checkpoint` request. */
export type CheckpointResult = CheckpointDone | { type: 'failed'; message: string };
