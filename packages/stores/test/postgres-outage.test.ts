// The database behind a PostgresDedupeStore goes away in the middle of a delivery. The pool
// reaches the real server through a TCP proxy that the test cuts, so the driver sees the reset
// connections and refused reconnects of a restart or a network drop. Nothing may be lost: a
// delivery whose claim fails is answered 500 (the sender retries) with no handler run, and a
// delivery whose handlers ran but whose completion could not be recorded is still acknowledged.
import { PostgresDedupeStore } from '@hookline/stores';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyTo } from '../../../test/tcp-proxy.js';
import { startOutageReceiver } from './outage-receiver.js';
import { serviceUrl, uniqueName } from './services.js';

const url = await serviceUrl('HOOKLINE_TEST_POSTGRES_URL', async (candidate) => {
  const probe = new pg.Client({ connectionString: candidate, connectionTimeoutMillis: 2000 });
  await probe.connect();
  await probe.end();
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An endpoint whose PostgresDedupeStore reaches the database through a proxy the test controls. */
async function setup() {
  const { proxy, url: viaProxy } = await proxyTo(url as string, 5432);
  const pool = new pg.Pool({ connectionString: viaProxy, connectionTimeoutMillis: 1000 });
  // What every pg application needs: an idle connection the database drops must not crash it.
  pool.on('error', () => undefined);
  const table = uniqueName('pg_outage');
  const dedupe = new PostgresDedupeStore(pool, { table });
  await dedupe.ready();
  const receiver = await startOutageReceiver(dedupe);
  cleanups.push(async () => {
    await receiver.close();
    await proxy.restore();
    await pool.query(`DROP TABLE IF EXISTS "${table}"`);
    await pool.end();
    await proxy.close();
  });
  return { ...receiver, proxy };
}

describe.skipIf(!url)('PostgresDedupeStore when the database goes away mid-delivery', () => {
  it('answers 500 without running a handler when the claim fails, and processes the retry once it is back', async () => {
    const { webhooks, proxy, reported, delivery, post } = await setup();
    const runs: string[] = [];
    webhooks.on('session.status_idled', (event) => {
      runs.push(event.id);
    });
    const d = delivery();

    await proxy.cut();
    expect(await post(d)).toEqual({ status: 500, code: 'internal_error' });
    expect(runs).toEqual([]);
    expect(reported).toHaveLength(1);

    await proxy.restore();
    expect((await post(d)).status).toBe(204);
    expect((await post(d)).status).toBe(204); // a duplicate: acknowledged, not run
    expect(runs).toEqual([d.event.id]);
  });

  it('acknowledges a delivery whose handlers ran when only recording the completion fails, and says so', async () => {
    const { webhooks, proxy, reported, delivery, post } = await setup();
    const runs: string[] = [];
    webhooks.on('session.status_idled', async (event) => {
      runs.push(event.id);
      await proxy.cut(); // the database goes away while the handler works
    });
    const d = delivery();

    expect((await post(d)).status).toBe(204);
    expect(runs).toEqual([d.event.id]);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain(`webhook ${d.event.id}: the handlers ran`);
    expect(reported[0]?.message).toContain('could not record the event as processed');
    expect(reported[0]?.cause).toBeInstanceOf(Error);

    // Back again, the claim is still held until its lease ends: a duplicate is told to retry
    // later rather than run a second time.
    await proxy.restore();
    expect((await post(d)).status).toBe(409);
    expect(runs).toHaveLength(1);
  });
});
