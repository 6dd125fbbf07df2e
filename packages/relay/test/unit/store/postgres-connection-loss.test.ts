// PostgreSQL drops the connection of a client the driver holds for a transaction, between two of
// its statements: a restart or a network drop at the wrong moment. pg then emits 'error' on that
// client, which the pool does not watch while it is checked out; unheard, that event crashes the
// process (it did: the relay process died in postgres-outage.test.ts). The driver must turn it
// into a failed transaction, destroy the broken client, and work again once the database is back.
import { expect, it } from 'vitest';
import { proxyTo } from '../../../../../test/tcp-proxy.js';
import { PostgresDriver } from '../../../src/store/postgres/postgres-driver.js';
import { StoreUnavailableError } from '../../../src/store/sql-driver.js';
import { databaseVariants, describeOnPostgres } from '../../helpers/databases.js';

const variants = await databaseVariants('connection-loss');

describeOnPostgres('The PostgreSQL driver losing a connection mid-transaction on $name', variants, (variant) => {
  it('fails that transaction, keeps the process up, and runs the next one once the database is back', async () => {
    const config = variant.fresh();
    const { proxy, url: viaProxy } = await proxyTo(config.databaseUrl as string, 5432);
    const db = new PostgresDriver({
      connectionString: viaProxy,
      schema: config.postgresSchema ?? '',
      maxConnections: 1,
    });
    try {
      await db.migrate();
      const failed = db.transaction(async (tx) => {
        await tx.query('SELECT 1 AS one');
        // Between two statements, the client checked out and idle, the connection is reset.
        await proxy.cut();
        await new Promise((resolve) => setTimeout(resolve, 100));
        return tx.query('SELECT 2 AS two');
      });
      await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);

      await proxy.restore();
      // The only pooled client was the broken one: it must have been destroyed, not reused.
      expect(await db.transaction((tx) => tx.query('SELECT 3 AS three'))).toEqual([{ three: 3 }]);
    } finally {
      await db.close();
      await proxy.close();
      await variant.cleanup();
    }
  });
});
