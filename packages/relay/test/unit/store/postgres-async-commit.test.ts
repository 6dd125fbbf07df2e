// PostgreSQL: a claim, which also numbers what it takes, commits without waiting for the WAL
// flush (the `durable: false` of SQLite's claim transaction), and only that commit: the setting
// must not stay on the pooled connection for the ingests and attempt results that follow, which
// are acknowledged as durable.
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { PostgresDriver } from '../../../src/store/postgres/postgres-driver.js';
import { claimDue } from '../../../src/store/sql/outbox-queries.js';
import type { SqlDriver, SqlExecutor } from '../../../src/store/sql-driver.js';
import { databaseVariants, describeOnPostgres } from '../../helpers/databases.js';
import { seedOneDelivery } from '../../helpers/one-delivery.js';

const variants = await databaseVariants('async-commit');
const NOW = 1_000_000;

/** A driver whose every statement runs in the caller's open transaction `tx`. */
function inTransaction(db: SqlDriver, tx: SqlExecutor): SqlDriver {
  return {
    kind: db.kind,
    lockClause: db.lockClause,
    query: (sql, params) => tx.query(sql, params),
    transaction: (fn) => fn(tx),
    migrate: () => db.migrate(),
    close: () => db.close(),
  };
}

const setting = async (executor: SqlExecutor) =>
  String((await executor.query('SHOW synchronous_commit'))[0]?.synchronous_commit);

describeOnPostgres('Async commit of claims on $name', variants, (variant) => {
  let db: PostgresDriver;
  beforeEach(async () => {
    const config = variant.fresh();
    // One connection: what a statement leaves on it, the next statement sees.
    db = new PostgresDriver({
      connectionString: config.databaseUrl ?? '',
      schema: config.postgresSchema ?? '',
      maxConnections: 1,
    });
    await db.migrate();
    await seedOneDelivery(db, 'dst_all');
  });
  afterEach(() => db.close());
  afterAll(() => variant.cleanup());

  const options = { now: NOW, limit: 10, owner: 'wrk_test', leaseMarginMs: 1_000, defaultTimeoutMs: 1_000 };

  it('claims and numbers in a transaction that commits asynchronously', async () => {
    await db.transaction(async (tx) => {
      const claimed = await claimDue(inTransaction(db, tx), options);
      expect(claimed.map((item) => item.delivery.sequence)).toEqual([1]);
      expect(await setting(tx)).toBe('off');
    });
    const [numbered] = await db.query('SELECT sequence FROM deliveries');
    expect(numbered?.sequence).toBe(1);
  });

  it('leaves the connection durable for the statements after a claim', async () => {
    const claimed = await claimDue(db, options);
    expect(claimed).toHaveLength(1);
    expect(await setting(db)).toBe('on');
  });
});
