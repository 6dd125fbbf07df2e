// The messages between wal-checkpointer.ts and checkpoint-worker.ts.

export interface CheckpointWorkerData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  /** How long a RESTART waits for readers (and the writer lock) before it answers busy. */
  busyTimeoutMs: number;
  minIntervalMs: number;
}

/**
 * To the worker: `checkpoint` (the WAL has grown: one PASSIVE pass, paced, then one answer),
 * `restart` (the relay's connection is paused: RESTART now, then one answer) or `stop`.
 */
export type CheckpointRequest = { type: 'checkpoint' } | { type: 'restart' } | { type: 'stop' };

export type CheckpointMode = 'PASSIVE' | 'RESTART';

/** One answer per request, with `PRAGMA wal_checkpoint`'s counts (WAL pages). */
export type CheckpointResult =
  | { type: 'done'; mode: CheckpointMode; busy: number; log: number; checkpointed: number }
  | { type: 'failed'; mode: CheckpointMode; message: string };
