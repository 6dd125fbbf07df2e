// The delivery log: events, deliveries and attempts, newest first with id cursors.
import { toAttempt, toDelivery, toEvent } from '../row-mappers.js';
import type { SqlExecutor } from '../sql-driver.js';
import type { AttemptRow, DeliveryFilter, DeliveryRow, EventFilter, EventRow, Page } from '../types.js';
import { page } from './query-helpers.js';

export async function getEvent(db: SqlExecutor, idOrEventId: string): Promise<EventRow | null> {
  const [row] = await db.query('SELECT * FROM events WHERE id = ? OR event_id = ? ORDER BY id LIMIT 1', [
    idOrEventId,
    idOrEventId,
  ]);
  return row ? toEvent(row) : null;
}

export async function listEvents(db: SqlExecutor, filter: EventFilter): Promise<Page<EventRow>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    params.push(value);
  };
  if (filter.after) add('id < ?', filter.after);
  if (filter.type) add('type = ?', filter.type);
  if (filter.resourceId) add('resource_id = ?', filter.resourceId);
  if (filter.sourceName) add('source_name = ?', filter.sourceName);
  if (filter.since !== undefined) add('received_at >= ?', filter.since);
  if (filter.until !== undefined) add('received_at < ?', filter.until);
  const rows = await db.query(
    `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    [...params, filter.limit + 1],
  );
  return page(rows.map(toEvent), filter.limit);
}

export async function getDelivery(db: SqlExecutor, id: string): Promise<DeliveryRow | null> {
  const [row] = await db.query('SELECT * FROM deliveries WHERE id = ?', [id]);
  return row ? toDelivery(row) : null;
}

export async function listDeliveries(db: SqlExecutor, filter: DeliveryFilter): Promise<Page<DeliveryRow>> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.after) {
    where.push('id < ?');
    params.push(filter.after);
  }
  if (filter.destinationId) {
    where.push('destination_id = ?');
    params.push(filter.destinationId);
  }
  if (filter.status) {
    where.push('status = ?');
    params.push(filter.status);
  }
  if (filter.eventRowId) {
    where.push('event_row_id = ?');
    params.push(filter.eventRowId);
  }
  const rows = await db.query(
    `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    [...params, filter.limit + 1],
  );
  return page(rows.map(toDelivery), filter.limit);
}

export async function listAttempts(db: SqlExecutor, deliveryId: string): Promise<AttemptRow[]> {
  return (await db.query('SELECT * FROM attempts WHERE delivery_id = ? ORDER BY id', [deliveryId])).map(toAttempt);
}

export async function countEvents(db: SqlExecutor): Promise<number> {
  const [row] = await db.query('SELECT COUNT(*) AS n FROM events');
  return Number(row?.n ?? 0);
}
