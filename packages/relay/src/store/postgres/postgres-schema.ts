import { POSTGRES_TYPES, schemaMigrations } from '../migrations.js';

/** The schema migrations, in PostgreSQL's column types (see ../migrations.ts). */
export const POSTGRES_MIGRATIONS: readonly string[] = schemaMigrations(POSTGRES_TYPES);
