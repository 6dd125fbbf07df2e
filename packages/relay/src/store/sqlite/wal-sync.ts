import { closeSync, fdatasync, fsync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Flushes a file descriptor to disk; `fs.fdatasync` on the libuv thread pool by default. */
export type SyncFile = (fd: number) => Promise<void>;

export const fdatasyncFile: SyncFile = (fd) =>
  new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));

const fsyncFile: SyncFile = (fd) =>
  new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));

/**
 * Makes SQLite's WAL durable without blocking the thread that runs SQL, and with one fsync for
 * every commit that lands while another is under way (group commit).
 *
 * The connection runs `synchronous = NORMAL`: a COMMIT writes its frames to the WAL but does not
 * fsync it. A durable transaction then waits for {@link sync}, an fdatasync of the WAL started
 * after its COMMIT returned, which persists it and every frame before it. That is what
 * `synchronous = FULL` does inside COMMIT, moved to the thread pool. A checkpoint cannot get in
 * between: in NORMAL mode SQLite syncs the WAL before copying it into the database, and the WAL
 * is only rewritten from its start after a checkpoint has completed and synced the database.
 * The first sync also fsyncs the directory, so the WAL file's own entry survives a power cut
 * (SQLite does the same on the first sync of a new WAL).
 */
export class WalSync {
  readonly #walPath: string;
  readonly #syncFile: SyncFile;
  #fd: number | undefined;
  #directorySynced = false;
  /** The fsync under way. */
  #running: Promise<void> | undefined;
  /** The fsync that starts when #running ends: it covers every commit made meanwhile. */
  #queued: Promise<void> | undefined;

  constructor(databasePath: string, syncFile: SyncFile = fdatasyncFile) {
    this.#walPath = `${databasePath}-wal`;
    this.#syncFile = syncFile;
  }

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (this.#queued) return this.#queued;
    if (!this.#running) return this.#start();
    // The running fsync may have started before the caller's COMMIT: wait for the next one.
    this.#queued = this.#running.then(
      () => this.#start(),
      () => this.#start(),
    );
    return this.#queued;
  }

  #start(): Promise<void> {
    this.#queued = undefined;
    const run = this.#flush().finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #flush(): Promise<void> {
    this.#fd ??= openSync(this.#walPath, 'r');
    await this.#syncFile(this.#fd);
    if (!this.#directorySynced) {
      const directory = openSync(dirname(this.#walPath), 'r');
      try {
        await fsyncFile(directory);
      } finally {
        closeSync(directory);
      }
      this.#directorySynced = true;
    }
  }

  /** Waits for a sync under way, then closes the WAL's descriptor. */
  async close(): Promise<void> {
    await Promise.allSettled([this.#running, this.#queued]);
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
