// Stored state for the metrics gauges, read at scrape time. Two small queries: the pending
// deliveries grouped by destination (only pending rows are read, through the partial
// `deliveries_due` index, so the cost follows the backlog, not the history) and the
// destinations' enabled flags. No locks, no transaction: a scrape never waits for a claim.
import type { SqlExecutor } from '../sql-driver.js';
import type { DestinationQueueState } from '../types.js';

export async function destinationQueueStates(db: SqlExecutor, now: number): Promise<DestinationQueueState[]> {
  const destinations = await db.query('SELECT id, enabled FROM destinations');
  const queued = await db.query(
    `SELECT destination_id, COUNT(*) AS pending,
         MIN(CASE WHEN next_attempt_at <= ? THEN next_attempt_at END) AS oldest_due_at
       FROM deliveries WHERE status = 'pending' GROUP BY destination_id`,
    [now],
  );
  const byDestination = new Map(queued.map((row) => [String(row.destination_id), row]));
  return destinations.map((row) => {
    const queue = byDestination.get(String(row.id));
    const oldest = queue?.oldest_due_at;
    return {
      destinationId: String(row.id),
      enabled: Number(row.enabled) === 1,
      pending: Number(queue?.pending ?? 0),
      oldestDueAt: oldest === null || oldest === undefined ? null : Number(oldest),
    };
  });
}
