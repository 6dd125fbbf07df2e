import { SQLITE_TYPES, schemaMigrations } from '../migrations.js';

/** The schema migrations, in SQLite's column types (see ../migrations.ts). */
export const SQLITE_MIGRATIONS: readonly string[] = schemaMigrations(SQLITE_TYPES);
