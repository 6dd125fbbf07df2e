// Ingest: the event and its deliveries commit together (the outbox's write side). Replay also
// creates deliveries through insertDeliveryIn, so every delivery row is born the same way.
import { matchesEventType } from '../../event-type-filter.js';
import { newId } from '../../ids.js';
import { OPERATIONAL_SOURCE, wantsOperationalEvent } from '../../operational/operational-source.js';
import { toEvent } from '../row-mappers.js';
import type { SqlExecutor, SqlRow } from '../sql-driver.js';
import type { IngestResult, NewEvent } from '../types.js';

/** A per-resource ordering key: `data.id`, plus `session_thread_id` when the event has one; null when unordered. */
export function orderingKeyOf(event: Pick<NewEvent, 'resourceId' | 'threadId'>): string | null {
  if (event.resourceId === null) return null;
  return event.threadId ? `${event.resourceId}/${event.threadId}` : event.resourceId;
}

/**
 * Inserts one pending delivery, due at `now`, inside the caller's transaction. Its
 * `hookline-sequence` number is drawn later, when it is first claimed (sequence-queries.ts), so
 * ingest never waits on another ingest. Anything that creates deliveries (ingest, replay)
 * should go through here.
 */
export async function insertDeliveryIn(
  tx: SqlExecutor,
  input: { eventRowId: string; destinationId: string; orderingKey: string | null; eventCreatedAt: number; now: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO deliveries (id, event_row_id, destination_id, status, attempt_count, next_attempt_at, created_at, updated_at,
         ordering_key, event_created_at)
       VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)`,
    [
      newId('dlv', input.now),
      input.eventRowId,
      input.destinationId,
      input.now,
      input.now,
      input.now,
      input.orderingKey,
      input.eventCreatedAt,
    ],
  );
}

export async function ingestIn(tx: SqlExecutor, event: NewEvent): Promise<IngestResult> {
  const inserted = await tx.query(
    `INSERT INTO events (id, event_id, source_name, type, resource_id, created_at, received_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_name, event_id) DO NOTHING RETURNING id`,
    [
      event.id,
      event.eventId,
      event.sourceName,
      event.type,
      event.resourceId,
      event.createdAt,
      event.receivedAt,
      event.body,
    ],
  );
  if (inserted.length === 0) {
    const [existing] = await tx.query('SELECT * FROM events WHERE source_name = ? AND event_id = ?', [
      event.sourceName,
      event.eventId,
    ]);
    return { event: toEvent(existing as SqlRow), duplicate: true, deliveries: 0 };
  }
  const operational = event.sourceName === OPERATIONAL_SOURCE;
  const destinations = (
    await tx.query('SELECT id, event_types, ordering FROM destinations WHERE enabled = 1 ORDER BY id')
  ).filter((row) => {
    const patterns = JSON.parse(String(row.event_types)) as string[];
    return operational ? wantsOperationalEvent(patterns, event.type) : matchesEventType(patterns, event.type);
  });
  for (const destination of destinations) {
    await insertDeliveryIn(tx, {
      eventRowId: event.id,
      destinationId: String(destination.id),
      orderingKey: destination.ordering === 'per_resource' ? orderingKeyOf(event) : null,
      eventCreatedAt: event.createdAt,
      now: event.receivedAt,
    });
  }
  return { event: { ...event }, duplicate: false, deliveries: destinations.length };
}
