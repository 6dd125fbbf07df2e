// The outbox's read side: the dispatcher claims, completes and releases deliveries under
// leases (ingest-queries.ts writes them). PostgreSQL's claim adds FOR UPDATE SKIP LOCKED.
import { toDelivery, toDestination, toEvent } from '../row-mappers.js';
import type { SqlDriver, SqlExecutor, SqlRow } from '../sql-driver.js';
import type { ClaimedDelivery, ClaimOptions, CompleteAttempt, DestinationRow, EventRow } from '../types.js';
import { placeholders } from './query-helpers.js';
import { assignSequencesIn } from './sequence-queries.js';

// With ordering, only the head of each key is claimable: no older pending delivery (by the
// event's created_at, ties by arrival = sequence) may exist for the same destination and key,
// and none of the key may be in flight (a late-arriving older event must not run alongside the
// head already out). The head stays pending while in flight and while it waits for a retry, so
// a key goes one at a time and a failing head holds back only its own key. One parameter: now.
const HEAD_OF_KEY = `(d.ordering_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM deliveries p WHERE p.destination_id = d.destination_id AND p.ordering_key = d.ordering_key
    AND p.status = 'pending'
    AND (p.event_created_at < d.event_created_at OR (p.event_created_at = d.event_created_at AND p.sequence < d.sequence)
      OR p.lease_until > ?)))`;

async function hydrate(tx: SqlExecutor, rows: SqlRow[]): Promise<ClaimedDelivery[]> {
  if (rows.length === 0) return [];
  const deliveries = rows.map(toDelivery);
  const eventIds = [...new Set(deliveries.map((d) => d.eventRowId))];
  const destinationIds = [...new Set(deliveries.map((d) => d.destinationId))];
  const events = new Map(
    (await tx.query(`SELECT * FROM events WHERE id IN (${placeholders(eventIds.length)})`, eventIds))
      .map(toEvent)
      .map((e) => [e.id, e]),
  );
  const destinations = new Map(
    (await tx.query(`SELECT * FROM destinations WHERE id IN (${placeholders(destinationIds.length)})`, destinationIds))
      .map(toDestination)
      .map((d) => [d.id, d]),
  );
  return deliveries.map((delivery) => ({
    delivery,
    event: events.get(delivery.eventRowId) as EventRow,
    destination: destinations.get(delivery.destinationId) as DestinationRow,
  }));
}

export async function claimDue(db: SqlDriver, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const excluded = options.excludeDestinationIds ?? [];
  const exclusion = excluded.length > 0 ? `AND d.destination_id NOT IN (${placeholders(excluded.length)})` : '';
  await db.transaction((tx) => assignSequencesIn(tx, db.kind));
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `UPDATE deliveries SET lease_owner = ?,
         lease_until = CAST(? AS BIGINT) + COALESCE((SELECT timeout_ms FROM destinations WHERE destinations.id = deliveries.destination_id), CAST(? AS BIGINT)) + CAST(? AS BIGINT)
       WHERE id IN (
         SELECT d.id FROM deliveries d JOIN destinations t ON t.id = d.destination_id
         WHERE d.status = 'pending' AND d.sequence IS NOT NULL AND t.enabled = 1 AND d.next_attempt_at <= ?
           AND (d.lease_until IS NULL OR d.lease_until <= ?) ${exclusion} AND ${HEAD_OF_KEY}
         ORDER BY d.next_attempt_at LIMIT ? ${db.lockClause}
       ) RETURNING *`,
      [
        options.owner,
        options.now,
        options.defaultTimeoutMs,
        options.leaseMarginMs,
        options.now,
        options.now,
        ...excluded,
        options.now,
        options.limit,
      ],
    );
    return hydrate(tx, rows);
  });
}

export async function claimOne(
  db: SqlDriver,
  id: string,
  options: Omit<ClaimOptions, 'limit' | 'excludeDestinationIds'>,
): Promise<ClaimedDelivery | null> {
  await db.transaction((tx) => assignSequencesIn(tx, db.kind));
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `UPDATE deliveries SET lease_owner = ?,
         lease_until = CAST(? AS BIGINT) + COALESCE((SELECT timeout_ms FROM destinations WHERE destinations.id = deliveries.destination_id), CAST(? AS BIGINT)) + CAST(? AS BIGINT)
       WHERE id = ? AND (lease_until IS NULL OR lease_until <= ?) RETURNING *`,
      [options.owner, options.now, options.defaultTimeoutMs, options.leaseMarginMs, id, options.now],
    );
    const [claimed] = await hydrate(tx, rows);
    return claimed ?? null;
  });
}

export async function completeIn(tx: SqlExecutor, input: CompleteAttempt): Promise<boolean> {
  const { attempt } = input;
  const updated = await tx.query(
    `UPDATE deliveries SET status = ?, attempt_count = attempt_count + ?, next_attempt_at = ?,
         lease_owner = NULL, lease_until = NULL, last_attempt_at = ?, last_status_code = ?, last_error = ?, updated_at = ?,
         delivered_at = CASE WHEN CAST(? AS TEXT) = 'delivered' THEN COALESCE(delivered_at, CAST(? AS BIGINT)) ELSE delivered_at END
       WHERE id = ? AND lease_owner = ? RETURNING destination_id`,
    [
      input.status,
      input.countsTowardSchedule ? 1 : 0,
      input.nextAttemptAt,
      attempt.startedAt,
      attempt.statusCode,
      attempt.errorMessage,
      input.now,
      input.status,
      input.now,
      attempt.deliveryId,
      input.owner,
    ],
  );
  const [row] = updated;
  if (!row) return false;
  await tx.query(
    `INSERT INTO attempts (id, delivery_id, attempt_number, manual, started_at, latency_ms, status_code, error_class,
         error_message, response_body, outcome) VALUES (${placeholders(11)})`,
    [
      attempt.id,
      attempt.deliveryId,
      attempt.attemptNumber,
      attempt.manual ? 1 : 0,
      attempt.startedAt,
      attempt.latencyMs,
      attempt.statusCode,
      attempt.errorClass,
      attempt.errorMessage,
      attempt.responseBody,
      attempt.outcome,
    ],
  );
  if (input.disableDestination) {
    await tx.query('UPDATE destinations SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?', [
      input.disableDestination.reason,
      input.now,
      row.destination_id,
    ]);
  }
  return true;
}

export async function releaseLeases(db: SqlDriver, owner: string, deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await db.query(
    `UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND id IN (${placeholders(deliveryIds.length)})`,
    [owner, ...deliveryIds],
  );
}

export async function releaseAllLeases(db: SqlDriver): Promise<number> {
  const rows = await db.query(
    'UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL RETURNING id',
  );
  return rows.length;
}
