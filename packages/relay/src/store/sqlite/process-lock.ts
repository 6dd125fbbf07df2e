import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Another live process already runs a relay on this data directory. */
export class DataDirectoryLockedError extends Error {
  override readonly name = 'DataDirectoryLockedError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Embedded SQLite assumes one relay process per data directory: that is what makes freeing
 * every lease at start-up safe. This lock file (holding the owner's pid) enforces it; a lock
 * left by a killed process is taken over. Returns the release function.
 */
export function lockDataDirectory(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new DataDirectoryLockedError(
          `Another relay (pid ${owner}) uses this data directory; with SQLite only one process may. Use PostgreSQL (--database-url) to run several.`,
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirectoryLockedError(`Could not take the lock ${path}.`);
}
