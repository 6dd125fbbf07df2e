import { join } from 'node:path';
import { PostgresDriver } from './postgres/postgres-driver.js';
import { SqlStore } from './sql-store.js';
import { SqliteDriver } from './sqlite/sqlite-driver.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** A `postgres://` URL; without one the relay uses SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  postgresSchema?: string | undefined;
  sqliteSynchronous?: 'FULL' | 'NORMAL';
}

/** Opens (and migrates) the configured store. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const driver = options.databaseUrl
    ? new PostgresDriver({ connectionString: options.databaseUrl, schema: options.postgresSchema ?? 'hookline' })
    : new SqliteDriver({ path: join(options.dataDir, 'relay.db'), synchronous: options.sqliteSynchronous ?? 'FULL' });
  const store = new SqlStore(driver);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
