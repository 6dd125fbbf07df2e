import { PostgresDedupeStore } from '@hookline/stores';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dedupeContract } from './contract/dedupe-contract.js';
import { serviceUrl, uniqueName } from './services.js';

const url = await serviceUrl('HOOKLINE_TEST_POSTGRES_URL', async (candidate) => {
  const probe = new pg.Client({ connectionString: candidate, connectionTimeoutMillis: 2000 });
  await probe.connect();
  await probe.end();
});

const pool = url ? new pg.Pool({ connectionString: url, max: 10 }) : undefined;
const tables: string[] = [];

function table(): string {
  const name = uniqueName('pg');
  tables.push(name);
  return name;
}

afterAll(async () => {
  for (const name of tables) await pool?.query(`DROP TABLE IF EXISTS "${name}"`);
  await pool?.end();
});

dedupeContract(
  'postgres (pg Pool)',
  pool && ((timing) => new PostgresDedupeStore(pool, { ...timing, table: table() })),
);

describe.skipIf(!pool)('PostgresDedupeStore specifics', () => {
  it('several stores creating the same table at once all succeed', async () => {
    const name = table();
    const stores = Array.from({ length: 5 }, () => new PostgresDedupeStore(pool as pg.Pool, { table: name }));
    await Promise.all(stores.map((store) => store.ready()));
    const claims = await Promise.all(stores.map((store) => store.claim('whe_same')));
    expect(claims.filter((claim) => claim.status === 'claimed')).toHaveLength(1);
  });

  it('prune() deletes expired rows (abandoned leases, forgotten ids) only', async () => {
    const name = table();
    const store = new PostgresDedupeStore(pool as pg.Pool, { table: name, leaseSeconds: 0.2 });
    await store.claim('whe_abandoned');
    const kept = new PostgresDedupeStore(pool as pg.Pool, { table: name, leaseSeconds: 60 });
    await kept.claim('whe_running');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await store.prune()).toBe(1);
    const { rows } = await (pool as pg.Pool).query(`SELECT id FROM "${name}"`);
    expect(rows).toEqual([{ id: 'whe_running' }]);
  });
});
