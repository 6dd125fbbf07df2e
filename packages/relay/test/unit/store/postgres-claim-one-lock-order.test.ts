// PostgreSQL: a manual retry (claimOne) and a destination's DELETE take the destination row and
// the delivery row in the same order, so the two cannot deadlock. The test stops claimOne right
// after it leased the delivery, lets the DELETE start and queue for a lock, then lets claimOne
// finish: leasing first and locking the destination's counter second deadlocks here every time.
import pg from 'pg';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { PostgresDriver } from '../../../src/store/postgres/postgres-driver.js';
import { claimOne } from '../../../src/store/sql/outbox-queries.js';
import type { SqlDriver, SqlExecutor } from '../../../src/store/sql-driver.js';
import { databaseVariants, describeOnPostgres } from '../../helpers/databases.js';
import { seedOneDelivery } from '../../helpers/one-delivery.js';

const variants = await databaseVariants('claim-one-lock-order');
const NOW = 1_000_000;

/** `db`, with `pause` run inside its transactions right after the statement that leases a delivery. */
function pausingAfterLease(db: SqlDriver, pause: () => Promise<void>): SqlDriver {
  const wrap = (tx: SqlExecutor): SqlExecutor => ({
    query: async (sql, params) => {
      const rows = await tx.query(sql, params);
      if (/^\s*UPDATE deliveries SET lease_owner/.test(sql)) await pause();
      return rows;
    },
  });
  return {
    kind: db.kind,
    lockClause: db.lockClause,
    query: (sql, params) => db.query(sql, params),
    transaction: (fn, options) => db.transaction((tx) => fn(wrap(tx)), options),
    migrate: () => db.migrate(),
    close: () => db.close(),
  };
}

describeOnPostgres('claimOne against a destination DELETE on $name', variants, (variant) => {
  let db: PostgresDriver;
  let other: pg.Client;
  let schema: string;
  beforeEach(async () => {
    const config = variant.fresh();
    schema = config.postgresSchema ?? '';
    db = new PostgresDriver({ connectionString: config.databaseUrl ?? '', schema });
    await db.migrate();
    await seedOneDelivery(db, 'dst_gone');
    other = new pg.Client({ connectionString: config.databaseUrl, options: `-c search_path=${schema}` });
    await other.connect();
  });
  afterEach(async () => {
    await other.end();
    await db.close();
  });
  afterAll(() => variant.cleanup());

  it('lets the DELETE wait for the retry instead of deadlocking with it', async () => {
    const [delivery] = await db.query('SELECT id FROM deliveries');
    let deleting: Promise<pg.QueryResult> | undefined;
    const pause = async () => {
      const { rows } = await other.query('SELECT pg_backend_pid() AS pid');
      deleting = other.query("DELETE FROM destinations WHERE id = 'dst_gone'");
      // Wait until the DELETE is queued for a lock held by claimOne's transaction.
      const watcher = new pg.Client({ connectionString: process.env.HOOKLINE_TEST_POSTGRES_URL });
      await watcher.connect();
      try {
        for (let i = 0; i < 200; i++) {
          const waiting = await watcher.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [
            rows[0].pid,
          ]);
          if (waiting.rows[0]?.wait_event_type === 'Lock') return;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        throw new Error('the DELETE never waited for a lock');
      } finally {
        await watcher.end();
      }
    };
    const claimed = await claimOne(pausingAfterLease(db, pause), String(delivery?.id), {
      now: NOW,
      owner: 'wrk_manual',
      leaseMarginMs: 1_000,
      defaultTimeoutMs: 1_000,
    });
    expect(claimed?.delivery.sequence).toBe(1);
    const deleted = await deleting;
    expect(deleted?.rowCount).toBe(1);
    expect(await db.query('SELECT id FROM deliveries')).toEqual([]);
  });
});
