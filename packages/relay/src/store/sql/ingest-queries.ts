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

interface NewDelivery {
  eventRowId: string;
  destinationId: string;
  orderingKey: string | null;
  eventCreatedAt: number;
  now: number;
}

const DELIVERY_COLUMNS = `INSERT INTO deliveries (id, event_row_id, destination_id, status, attempt_count, next_attempt_at,
         created_at, updated_at, ordering_key, event_created_at) VALUES `;
const DELIVERY_ROW = "(?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)";

function deliveryParams(input: NewDelivery): unknown[] {
  return [
    newId('dlv', input.now),
    input.eventRowId,
    input.destinationId,
    input.now,
    input.now,
    input.now,
    input.orderingKey,
    input.eventCreatedAt,
  ];
}

/**
 * Inserts one pending delivery, due at `now`, inside the caller's transaction. Its
 * `hookline-sequence` number is drawn later, when it is first claimed (sequence-queries.ts), so
 * ingest never waits on another ingest. Anything that creates deliveries (ingest, replay)
 * should go through here (or through {@link ingestBatchIn}, which writes the same rows).
 */
export async function insertDeliveryIn(tx: SqlExecutor, input: NewDelivery): Promise<void> {
  await tx.query(DELIVERY_COLUMNS + DELIVERY_ROW, deliveryParams(input));
}

interface Subscriber {
  id: string;
  ordered: boolean;
  patterns: readonly string[];
}

/**
 * Parsed `event_types` by their stored text. The rows themselves are read in every ingest
 * transaction (so a destination committed before an event's ingest always receives it); only the
 * JSON parse is saved. Keyed by the text alone, a changed filter is a new key; the bound keeps
 * destinations churned through many filters from growing the map forever.
 */
const parsedFilters = new Map<string, readonly string[]>();
const PARSED_FILTERS_LIMIT = 1_000;

function patternsOf(text: string): readonly string[] {
  let patterns = parsedFilters.get(text);
  if (patterns === undefined) {
    patterns = Object.freeze(JSON.parse(text) as string[]);
    if (parsedFilters.size >= PARSED_FILTERS_LIMIT) parsedFilters.clear();
    parsedFilters.set(text, patterns);
  }
  return patterns;
}

const ENABLED_DESTINATIONS = 'SELECT id, event_types, ordering FROM destinations WHERE enabled = 1';

const toSubscriber = (row: SqlRow): Subscriber => ({
  id: String(row.id),
  ordered: row.ordering === 'per_resource',
  patterns: patternsOf(String(row.event_types)),
});

/** The enabled destinations, as of this statement in the caller's transaction. */
async function subscribersIn(tx: SqlExecutor): Promise<Subscriber[]> {
  return (await tx.query(`${ENABLED_DESTINATIONS} ORDER BY id`)).map(toSubscriber);
}

function deliveriesFor(event: NewEvent, subscribers: readonly Subscriber[]): NewDelivery[] {
  const operational = event.sourceName === OPERATIONAL_SOURCE;
  const deliveries: NewDelivery[] = [];
  for (const subscriber of subscribers) {
    const wanted = operational
      ? wantsOperationalEvent(subscriber.patterns, event.type)
      : matchesEventType(subscriber.patterns, event.type);
    if (!wanted) continue;
    deliveries.push({
      eventRowId: event.id,
      destinationId: subscriber.id,
      orderingKey: subscriber.ordered ? orderingKeyOf(event) : null,
      eventCreatedAt: event.createdAt,
      now: event.receivedAt,
    });
  }
  return deliveries;
}

const INSERT_EVENT = `INSERT INTO events (id, event_id, source_name, type, resource_id, created_at, received_at, body) VALUES `;
const EVENT_ROW = '(?, ?, ?, ?, ?, ?, ?, ?)';
const ON_CONFLICT = ' ON CONFLICT (source_name, event_id) DO NOTHING RETURNING id';

const eventParams = (event: NewEvent): unknown[] => [
  event.id,
  event.eventId,
  event.sourceName,
  event.type,
  event.resourceId,
  event.createdAt,
  event.receivedAt,
  event.body,
];

async function duplicateOf(tx: SqlExecutor, event: NewEvent): Promise<IngestResult> {
  const [existing] = await tx.query('SELECT * FROM events WHERE source_name = ? AND event_id = ?', [
    event.sourceName,
    event.eventId,
  ]);
  return { event: toEvent(existing as SqlRow), duplicate: true, deliveries: 0 };
}

export async function ingestIn(tx: SqlExecutor, event: NewEvent): Promise<IngestResult> {
  const inserted = await tx.query(INSERT_EVENT + EVENT_ROW + ON_CONFLICT, eventParams(event));
  if (inserted.length === 0) return duplicateOf(tx, event);
  const deliveries = deliveriesFor(event, await subscribersIn(tx));
  for (const delivery of deliveries) await insertDeliveryIn(tx, delivery);
  return { event: { ...event }, duplicate: false, deliveries: deliveries.length };
}

function compareKeys(a: NewEvent, b: NewEvent): number {
  if (a.sourceName !== b.sourceName) return a.sourceName < b.sourceName ? -1 : 1;
  if (a.eventId !== b.eventId) return a.eventId < b.eventId ? -1 : 1;
  return 0;
}

/** Rows per multi-row INSERT: 8 parameters each stays far below PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 500;

/**
 * {@link ingestIn} for many events in one transaction, reading the destinations once. With
 * `multiRow` (PostgreSQL, where every statement is a round trip) that is two statements: one
 * multi-row INSERT of the events that also reads the destinations, one multi-row INSERT of the
 * deliveries (per {@link ROWS_PER_STATEMENT} rows); the SQL text varies with the batch size. Without it (SQLite) each row is one cached single-row statement. Results are in the
 * order of `events`. Any failure fails the whole call; the caller isolates the culprit (see
 * ingest-batcher.ts).
 */
export async function ingestBatchIn(
  tx: SqlExecutor,
  events: readonly NewEvent[],
  { multiRow = true }: { multiRow?: boolean } = {},
): Promise<IngestResult[]> {
  const rowsPerStatement = multiRow ? ROWS_PER_STATEMENT : 1;
  const inserted = new Set<string>();
  // Rows in one order for every batch, so two PostgreSQL batches that both hold a not-yet-
  // committed id the other inserts wait on each other in a line, never in a cycle (a deadlock).
  // Deliveries keep arrival order: their ids break ties in delivery order.
  const byKey = multiRow ? [...events].sort((a, b) => compareKeys(a, b)) : events;
  let subscribers: Subscriber[] | undefined;
  if (multiRow && byKey.length <= ROWS_PER_STATEMENT) {
    // One round trip for both: the events' INSERT and, in the same statement (so the same
    // snapshot as a separate read would have), the destinations.
    const rows = await tx.query(
      `WITH inserted AS (${INSERT_EVENT}${byKey.map(() => EVENT_ROW).join(', ')}${ON_CONFLICT})
         SELECT 'event' AS kind, id, CAST(NULL AS TEXT) AS event_types, CAST(NULL AS TEXT) AS ordering FROM inserted
         UNION ALL SELECT 'destination' AS kind, id, event_types, ordering FROM (${ENABLED_DESTINATIONS}) AS d`,
      byKey.flatMap(eventParams),
    );
    subscribers = [];
    for (const row of rows) {
      if (row.kind === 'event') inserted.add(String(row.id));
      else subscribers.push(toSubscriber(row));
    }
    subscribers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  } else {
    for (let start = 0; start < byKey.length; start += rowsPerStatement) {
      const chunk = byKey.slice(start, start + rowsPerStatement);
      const rows = await tx.query(
        INSERT_EVENT + chunk.map(() => EVENT_ROW).join(', ') + ON_CONFLICT,
        chunk.flatMap(eventParams),
      );
      for (const row of rows) inserted.add(String(row.id));
    }
  }
  subscribers ??= inserted.size > 0 ? await subscribersIn(tx) : [];
  const results: IngestResult[] = [];
  const deliveries: NewDelivery[] = [];
  for (const event of events) {
    if (!inserted.has(event.id)) {
      // Already stored, possibly by an earlier event of this very batch.
      results.push(await duplicateOf(tx, event));
      continue;
    }
    const own = deliveriesFor(event, subscribers);
    deliveries.push(...own);
    results.push({ event: { ...event }, duplicate: false, deliveries: own.length });
  }
  for (let start = 0; start < deliveries.length; start += rowsPerStatement) {
    const chunk = deliveries.slice(start, start + rowsPerStatement);
    await tx.query(DELIVERY_COLUMNS + chunk.map(() => DELIVERY_ROW).join(', '), chunk.flatMap(deliveryParams));
  }
  return results;
}
