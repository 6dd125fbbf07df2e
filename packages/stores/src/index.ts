// @hookline/stores: dedupe stores for @hookline/webhooks on the database client you already have.
// No runtime dependency on any driver: clients are typed by the few members the stores call.

export { type PgQueryable, PostgresDedupeStore, type PostgresDedupeStoreOptions } from './postgres-dedupe-store.js';
export type { IoRedisLike, NodeRedisLike, RedisClientLike } from './redis-command.js';
export { RedisDedupeStore, type RedisDedupeStoreOptions } from './redis-dedupe-store.js';
export { type SqliteDatabaseLike, SqliteDedupeStore, type SqliteDedupeStoreOptions } from './sqlite-dedupe-store.js';
