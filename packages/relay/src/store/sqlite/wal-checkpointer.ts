import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { CheckpointRequest, CheckpointResult, CheckpointWorkerData } from './checkpoint-protocol.js';

export interface WalCheckpointerOptions {
  /** Checkpoint in a worker thread (default true); `false` leaves it to SQLite, inside COMMIT. */
  worker?: boolean;
  /** The worker script (default: checkpoint-worker.js next to this module). */
  workerUrl?: URL;
  /** WAL pages SQLite itself checkpoints at (the fallback), and the size a reset WAL file shrinks back to. Default 1000. */
  thresholdPages?: number;
  /** Once the WAL holds this many pages the worker RESTARTs it, the relay's connection paused. Default 4 × threshold. */
  restartAfterPages?: number;
  /** Past this many pages the relay's thread checkpoints itself: the worker is losing. Default 10 × threshold. */
  hardLimitPages?: number;
  /** The least time between two worker passes, so each copies many commits. Default 100 ms. */
  minIntervalMs?: number;
  /** Worker failures and fallbacks are reported here; they never throw. Default: a process warning. */
  onProblem?: (message: string, error?: unknown) => void;
}

// Compiled, this module sits next to checkpoint-worker.js in dist/. Unit tests run src/ through
// vitest, and a Worker cannot load TypeScript, so from src/ the built worker is used (`npm test`
// builds first).
const DEFAULT_WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../../dist/store/sqlite/checkpoint-worker.js', import.meta.url)
  : new URL('./checkpoint-worker.js', import.meta.url);

const STOP_TIMEOUT_MS = 10_000;
const RESTART_TIMEOUT_MS = 10_000;

/** Runs a task in the driver's queue: no statement of the relay's connection runs until it settles. */
export type RunExclusive = (task: () => Promise<void>) => Promise<void>;

function warn(message: string, error?: unknown): void {
  const detail = error === undefined ? '' : `: ${error instanceof Error ? error.message : String(error)}`;
  process.emitWarning(`${message}${detail}`, { code: 'HOOKLINE_WAL_CHECKPOINT' });
}

/**
 * Keeps SQLite's WAL checkpoints off the relay's event loop. SQLite checkpoints automatically
 * inside the COMMIT that takes the WAL past 1000 pages, and with `synchronous = FULL` that
 * checkpoint fsyncs the database file: the event loop's longest stalls. Here the main connection
 * never checkpoints (`wal_autocheckpoint = 0`); after each commit a worker thread with its own
 * connection is asked for a PASSIVE checkpoint. Durability is unchanged: a commit is durable once
 * the WAL is synced, and a checkpoint only copies pages already there (a crash mid-checkpoint is
 * repaired from the WAL on the next open).
 *
 * The WAL stays bounded. Under continuous writes a PASSIVE pass never ends with nothing left to
 * copy, so SQLite never starts the WAL over; once it holds `restartAfterPages` the driver's queue
 * is paused (the event loop is not: requests wait, nothing blocks) while the worker RESTARTs it,
 * which copies only what the last pass left. If the WAL file still passes `hardLimitPages`, the
 * caller's thread checkpoints itself. A worker that fails to start, fails or exits is reported
 * and replaced by SQLite's own checkpoints; it never takes the relay down.
 */
export class WalCheckpointer {
  readonly #db: Database.Database;
  readonly #walPath: string;
  readonly #thresholdPages: number;
  readonly #frameBytes: number;
  readonly #hardLimitBytes: number;
  readonly #onProblem: (message: string, error?: unknown) => void;
  readonly #runExclusive: RunExclusive;
  readonly #restartAfterPages: number;
  #restarted: (() => void) | undefined;
  #worker: Worker | undefined;
  #exited: Promise<unknown> = Promise.resolve();
  #requested = false;
  #fallbackAtBytes = 0;
  #stopped = false;

  constructor(
    db: Database.Database,
    synchronous: 'FULL' | 'NORMAL',
    runExclusive: RunExclusive,
    options: WalCheckpointerOptions = {},
  ) {
    this.#db = db;
    this.#runExclusive = runExclusive;
    this.#walPath = `${db.name}-wal`;
    this.#onProblem = options.onProblem ?? warn;
    this.#thresholdPages = options.thresholdPages ?? 1000;
    this.#restartAfterPages = options.restartAfterPages ?? 4 * this.#thresholdPages;
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    this.#frameBytes = pageSize + 24; // each WAL frame: a 24-byte header and the page
    this.#hardLimitBytes = (options.hardLimitPages ?? 10 * this.#thresholdPages) * this.#frameBytes;
    // A WAL file reset after a checkpoint shrinks back to this size at the next commit, so the file's
    // size tells how far the WAL has grown since it was last reset (the hard-limit check below).
    db.pragma(`journal_size_limit = ${this.#thresholdPages * this.#frameBytes}`);
    if (options.worker === false) {
      db.pragma(`wal_autocheckpoint = ${this.#thresholdPages}`);
      return;
    }
    db.pragma('wal_autocheckpoint = 0');
    const workerData: CheckpointWorkerData = {
      path: db.name,
      synchronous,
      // Only RESTART waits (PASSIVE never does), for other processes' readers (a backup): the
      // relay's connection is paused meanwhile, so not for long.
      busyTimeoutMs: 500,
      minIntervalMs: options.minIntervalMs ?? 100,
    };
    try {
      const worker = new Worker(options.workerUrl ?? DEFAULT_WORKER_URL, { workerData });
      // An open store must not keep the process alive by itself (the connection alone never did).
      worker.unref();
      this.#exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.on('message', (result: CheckpointResult) => this.#answered(result));
      worker.on('error', (error) => this.#fallBack('The WAL checkpoint worker failed', error));
      worker.once('exit', (code) => {
        if (this.#worker === worker) this.#fallBack(`The WAL checkpoint worker exited (code ${code})`);
      });
      this.#worker = worker;
    } catch (error) {
      this.#fallBack('The WAL checkpoint worker did not start', error);
    }
  }

  /** Call after every COMMIT on the main connection. */
  afterCommit(): void {
    const worker = this.#worker;
    if (worker === undefined) return;
    if (!this.#requested) {
      this.#requested = true;
      worker.postMessage({ type: 'checkpoint' } satisfies CheckpointRequest);
    }
    const size = statSync(this.#walPath, { throwIfNoEntry: false })?.size ?? 0;
    if (size <= this.#hardLimitBytes) {
      this.#fallbackAtBytes = 0;
      return;
    }
    // Checkpoint here once per `threshold` of further growth, not after every commit: a long reader
    // (a backup, say) blocks every checkpoint alike, and retrying each commit would only cost time.
    if (size < this.#fallbackAtBytes + this.#thresholdPages * this.#frameBytes) return;
    this.#fallbackAtBytes = size;
    try {
      const [row] = this.#db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number }[];
      this.#onProblem(
        `The WAL reached ${Math.round(size / this.#frameBytes)} pages; checkpointed on the relay's thread (busy ${row?.busy}, ${row?.log} pages)`,
      );
    } catch (error) {
      this.#onProblem('A WAL checkpoint on the relay thread failed', error);
    }
  }

  #answered(result: CheckpointResult): void {
    if (result.mode === 'RESTART') {
      this.#restarted?.();
      this.#restarted = undefined;
    } else {
      this.#requested = false;
    }
    if (result.type === 'failed') {
      this.#fallBack(`A WAL checkpoint (${result.mode}) in the worker failed`, result.message);
    } else if (result.mode === 'PASSIVE' && result.busy === 0 && result.log >= this.#restartAfterPages) {
      this.#restart();
    }
  }

  /** Pauses the driver's queue while the worker RESTARTs the WAL (copying what the last pass left). */
  #restart(): void {
    if (this.#restarted !== undefined) return;
    const done = new Promise<void>((resolve) => {
      this.#restarted = resolve;
    });
    this.#runExclusive(async () => {
      const worker = this.#worker;
      if (worker === undefined || this.#restarted === undefined) return;
      worker.postMessage({ type: 'restart' } satisfies CheckpointRequest);
      // A worker that never answers must not hold the relay's connection for good.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(resolve, RESTART_TIMEOUT_MS, 'late');
      });
      const outcome = await Promise.race([done, late]);
      clearTimeout(timer);
      if (outcome === 'late')
        this.#fallBack(`The WAL checkpoint worker did not RESTART within ${RESTART_TIMEOUT_MS} ms`);
    }).catch((error) => this.#onProblem('The WAL restart failed', error));
  }

  /** From now on SQLite checkpoints inside COMMIT again, as it does by default. */
  #fallBack(message: string, error?: unknown): void {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#restarted?.();
    this.#restarted = undefined;
    if (this.#stopped) return;
    this.#onProblem(`${message}; checkpointing on the relay's thread from now on`, error);
    try {
      this.#db.pragma(`wal_autocheckpoint = ${this.#thresholdPages}`);
    } catch (error) {
      this.#onProblem('Could not re-enable SQLite automatic checkpoints', error);
    }
    if (worker !== undefined) void worker.terminate().catch(() => undefined);
  }

  /**
   * Stops the worker (it finishes a pass it is in), then checkpoints and truncates the WAL on the
   * caller's thread: closing the last connection leaves no WAL content behind.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#restarted?.();
    this.#restarted = undefined;
    if (worker !== undefined) {
      worker.postMessage({ type: 'stop' } satisfies CheckpointRequest);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(resolve, STOP_TIMEOUT_MS, 'late');
      });
      if ((await Promise.race([this.#exited, late])) === 'late') await worker.terminate();
      clearTimeout(timer);
    }
    await this.#exited;
    try {
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      this.#onProblem('The final WAL checkpoint failed', error);
    }
  }
}
