// Destinations: where deliveries go, with their sealed secrets.
import { decideAutoDisable } from '../../lanes/auto-disable.js';
import { DESTINATION_COLUMNS, destinationValues, toDestination } from '../row-mappers.js';
import type { SqlExecutor } from '../sql-driver.js';
import type { DestinationOutcome, DestinationOutcomeResult, DestinationRow, Page } from '../types.js';
import { page, placeholders } from './query-helpers.js';

const DESTINATION_PATCH_COLUMNS: Record<string, (typeof DESTINATION_COLUMNS)[number]> = {
  url: 'url',
  description: 'description',
  eventTypes: 'event_types',
  enabled: 'enabled',
  disabledReason: 'disabled_reason',
  timeoutMs: 'timeout_ms',
  headers: 'headers',
  retrySchedule: 'retry_schedule',
  sealedSecret: 'sealed_secret',
  sealedPreviousSecret: 'sealed_previous_secret',
  previousSecretExpiresAt: 'previous_secret_expires_at',
  maxInFlight: 'max_in_flight',
  ratePerSecond: 'rate_per_second',
  ordering: 'ordering',
  failingSince: 'failing_since',
};

export async function insertDestination(db: SqlExecutor, row: DestinationRow): Promise<void> {
  const values = destinationValues(row);
  await db.query(
    `INSERT INTO destinations (${DESTINATION_COLUMNS.join(', ')}) VALUES (${placeholders(DESTINATION_COLUMNS.length)})`,
    DESTINATION_COLUMNS.map((column) => values[column]),
  );
}

export async function getDestination(db: SqlExecutor, id: string): Promise<DestinationRow | null> {
  const [row] = await db.query('SELECT * FROM destinations WHERE id = ?', [id]);
  return row ? toDestination(row) : null;
}

export async function listDestinations(
  db: SqlExecutor,
  options: { after?: string | undefined; limit: number },
): Promise<Page<DestinationRow>> {
  const rows = await db.query('SELECT * FROM destinations WHERE id > ? ORDER BY id LIMIT ?', [
    options.after ?? '',
    options.limit + 1,
  ]);
  return page(rows.map(toDestination), options.limit);
}

export async function updateDestination(
  db: SqlExecutor,
  id: string,
  patch: Partial<Omit<DestinationRow, 'id' | 'createdAt' | 'updatedAt'>>,
  now: number,
): Promise<DestinationRow | null> {
  const current = await getDestination(db, id);
  if (!current) return null;
  const values = destinationValues({ ...current, ...patch, updatedAt: now });
  const columns = [
    ...Object.keys(patch)
      .filter((key) => (patch as Record<string, unknown>)[key] !== undefined)
      .map((key) => DESTINATION_PATCH_COLUMNS[key])
      .filter((column) => column !== undefined),
    'updated_at' as const,
  ];
  const [row] = await db.query(
    `UPDATE destinations SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE id = ? RETURNING *`,
    [...columns.map((column) => values[column]), id],
  );
  return row ? toDestination(row) : null;
}

export async function deleteDestination(db: SqlExecutor, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM destinations WHERE id = ? RETURNING id', [id])).length === 1;
}

/**
 * The auto-disable bookkeeping, in one transaction so concurrent attempts (or processes) agree:
 * a 2xx clears `failing_since`; a failure keeps the earliest start of the streak; a streak
 * older than `disableAfterMs` disables the destination. Only the call whose UPDATE flipped
 * `enabled` reports `disabledReason`, so the `destination.disabled` event is emitted once.
 */
export async function noteDestinationOutcome(
  tx: SqlExecutor,
  input: DestinationOutcome,
): Promise<DestinationOutcomeResult> {
  if (input.outcome === 'success') {
    await tx.query('UPDATE destinations SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL', [
      input.destinationId,
    ]);
    return { failingSince: null };
  }
  const [row] = await tx.query(
    'UPDATE destinations SET failing_since = COALESCE(failing_since, CAST(? AS BIGINT)) WHERE id = ? RETURNING failing_since',
    [input.now, input.destinationId],
  );
  if (!row) return { failingSince: null };
  const failingSince = Number(row.failing_since);
  const decision = decideAutoDisable({ failingSince, now: input.now, disableAfterMs: input.disableAfterMs });
  if (!decision.disable) return { failingSince };
  const flipped = await tx.query(
    'UPDATE destinations SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = 1 RETURNING id',
    [decision.reason, input.now, input.destinationId],
  );
  return flipped.length > 0 ? { failingSince, disabledReason: decision.reason } : { failingSince };
}
