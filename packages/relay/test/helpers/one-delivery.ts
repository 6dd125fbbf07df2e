// The smallest state a claim can act on, written straight through a driver: one enabled
// destination that takes every event, and one event ingested for it (so one pending delivery).
import { IngestBatcher } from '../../src/store/ingest-batcher.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';

export async function seedOneDelivery(db: SqlDriver, destinationId: string): Promise<void> {
  await db.query(
    `INSERT INTO destinations (id, url, sealed_secret, headers, event_types, enabled, created_at, updated_at)
       VALUES (?, 'http://127.0.0.1:1/', 'x', '{}', '[]', 1, 0, 0)`,
    [destinationId],
  );
  await new IngestBatcher(db, { maxInFlight: 1 }).submit({
    id: 'evt_1',
    eventId: 'whe_1',
    sourceName: 'platform',
    type: 'session.status_idled',
    resourceId: 'sesn_1',
    createdAt: 1,
    receivedAt: 2,
    body: Buffer.from('{}'),
  });
}
