import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresDriver } from './postgres/postgres-driver.js';
import { SqlStore } from './sql-store.js';
import { lockDataDirectory } from './sqlite/process-lock.js';
import { SqliteDriver } from './sqlite/sqlite-driver.js';
import { openThreadedStore } from './threaded/threaded-store.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** A `postgres://` URL; without one the relay uses SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  postgresSchema?: string | undefined;
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** Take the one-process lock on the SQLite data directory (default true; the relay relies on it). */
  lockSqlite?: boolean;
  /** Run the database work in a worker thread (threaded/threaded-store.ts); default false. */
  thread?: boolean;
}

/** Opens (and migrates) the configured store. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.thread) return openThreadedStore({ ...options, thread: false });
  let unlock: (() => void) | undefined;
  let driver: PostgresDriver | SqliteDriver;
  if (options.databaseUrl) {
    driver = new PostgresDriver({
      connectionString: options.databaseUrl,
      schema: options.postgresSchema ?? 'hookline',
    });
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    if (options.lockSqlite !== false) unlock = lockDataDirectory(join(options.dataDir, 'relay.lock'));
    try {
      driver = new SqliteDriver({
        path: join(options.dataDir, 'relay.db'),
        synchronous: options.sqliteSynchronous ?? 'FULL',
      });
    } catch (error) {
      unlock?.();
      throw error;
    }
  }
  const store = new SqlStore(driver, unlock);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
