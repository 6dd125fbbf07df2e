import type { Clock } from '../clock.js';
import { newEventId, newId } from '../ids.js';
import type { Store } from '../store/types.js';
import { OPERATIONAL_SOURCE, type OperationalEventType } from './operational-source.js';

/** What an operational event is about; `id` becomes `data.id` (the resource: a destination or a delivery). */
export interface OperationalEventData {
  id: string;
  [field: string]: unknown;
}

/**
 * Stores one of the relay's own events (source `hookline`) through the same outbox as any
 * other, so an operator destination subscribed to its type receives it signed, retried and
 * logged like a platform event. The envelope has the platform's shape.
 */
export async function emitOperationalEvent(
  store: Store,
  clock: Clock,
  type: OperationalEventType,
  data: OperationalEventData,
): Promise<number> {
  const now = clock.now();
  const envelope = {
    type: 'event',
    id: newEventId(),
    created_at: new Date(now).toISOString(),
    data: { type, ...data },
  };
  const result = await store.ingest({
    id: newId('evt', now),
    eventId: envelope.id,
    sourceName: OPERATIONAL_SOURCE,
    type,
    resourceId: data.id,
    threadId: null,
    createdAt: now,
    receivedAt: now,
    body: Buffer.from(JSON.stringify(envelope)),
  });
  return result.deliveries;
}
