// Group commit for ingests: batches share a transaction, yet a failing event fails alone.
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestBatcher } from '../../../src/store/ingest-batcher.js';
import { PostgresDriver } from '../../../src/store/postgres/postgres-driver.js';
import type { SqlDriver } from '../../../src/store/sql-driver.js';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';
import type { NewEvent } from '../../../src/store/types.js';
import { databaseVariants } from '../../helpers/databases.js';

const variants = await databaseVariants('ingest-batcher');

let n = 0;
function event(eventId: string, overrides: Partial<NewEvent> = {}): NewEvent {
  n++;
  return {
    id: `evt_test${String(n).padStart(6, '0')}`,
    eventId,
    sourceName: 'platform',
    type: 'session.status_idled',
    resourceId: `sesn_${n}`,
    createdAt: 1_000 + n,
    receivedAt: 2_000 + n,
    body: Buffer.from(`{"n":${n}}`),
    ...overrides,
  };
}

describe.each(variants)('IngestBatcher on $name', (variant) => {
  let db: SqlDriver;
  beforeEach(async () => {
    const config = variant.fresh();
    db =
      variant.name === 'postgres'
        ? new PostgresDriver({ connectionString: config.databaseUrl ?? '', schema: config.postgresSchema ?? '' })
        : new SqliteDriver({ path: join(config.dataDir, 'relay.db'), synchronous: 'FULL' });
    await db.migrate();
    const now = Date.now();
    await db.query(
      `INSERT INTO destinations (id, url, sealed_secret, headers, event_types, enabled, created_at, updated_at)
         VALUES ('dst_all', 'http://127.0.0.1:1/', 'x', '{}', '[]', 1, ?, ?),
                ('dst_vault', 'http://127.0.0.1:1/', 'x', '{}', '["vault.*"]', 1, ?, ?)`,
      [now, now, now, now],
    );
  });
  afterEach(() => db.close());
  afterAll(() => variant.cleanup());

  // maxInFlight 1: the first event runs alone, everything submitted meanwhile is the next batch
  // (on SQLite, as the relay runs it, everything submitted in this turn of the event loop is).
  const batched = () =>
    variant.name === 'postgres'
      ? new IngestBatcher(db, { maxInFlight: 1 })
      : new IngestBatcher(db, { maxInFlight: 1, gather: true, multiRow: false });

  it('rolls back only the event the database refuses; the rest of its batch commits', async () => {
    const batcher = batched();
    const results = await Promise.allSettled([
      batcher.submit(event('whe_first')),
      batcher.submit(event('whe_second')),
      batcher.submit(event('whe_bad', { type: null as unknown as string })), // NOT NULL refuses it
      batcher.submit(event('whe_third', { type: 'vault.created' })),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const stored = await db.query('SELECT event_id FROM events ORDER BY event_id');
    expect(stored.map((row) => row.event_id)).toEqual(['whe_first', 'whe_second', 'whe_third']);
    const deliveries = await db.query(
      'SELECT e.event_id, d.destination_id FROM deliveries d JOIN events e ON e.id = d.event_row_id ORDER BY 1, 2',
    );
    expect(deliveries.map((row) => `${row.event_id}>${row.destination_id}`)).toEqual([
      'whe_first>dst_all',
      'whe_second>dst_all',
      'whe_third>dst_all',
      'whe_third>dst_vault',
    ]);
  });

  it('answers a duplicate within one batch as a duplicate of the first', async () => {
    const batcher = batched();
    const first = event('whe_lead');
    const [, a, b] = await Promise.all([
      batcher.submit(first),
      batcher.submit(event('whe_same')),
      batcher.submit(event('whe_same')),
    ]);
    expect([a?.duplicate, b?.duplicate]).toEqual([false, true]);
    expect(b?.event.id).toBe(a?.event.id);
    expect(b?.deliveries).toBe(0);
    expect(await db.query('SELECT id FROM deliveries WHERE event_row_id = ?', [a?.event.id])).toHaveLength(1);
  });

  it('rejects the whole batch when the database is gone', async () => {
    const batcher = batched();
    await db.close();
    const results = await Promise.allSettled([batcher.submit(event('whe_x')), batcher.submit(event('whe_y'))]);
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
  });
});
