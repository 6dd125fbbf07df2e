// hookline-sequence numbers are drawn when a delivery is first claimed, by the claim itself.
// Drawing them at ingest made every ingest transaction lock its destinations' counter rows until
// commit, so on PostgreSQL ingests fanning out to the same destination ran one at a time (about
// 100 events/s over three processes). A separate numbering pass before each claim (the previous
// design) wrote every delivery row once more: on PostgreSQL a non-HOT update with five index
// entries, about a third of the database's CPU per delivery (bench, 2026-12-05). Numbering the
// rows a claim takes, in the claim's own write, costs one counter update per destination.
import type { SqlExecutor, SqlRow } from '../sql-driver.js';
import { placeholders } from './query-helpers.js';

/**
 * The PostgreSQL claim's numbering, as a CTE over its `picked` rows (id, destination_id,
 * sequence, created_at): each row still without a number gets its rank among the destination's
 * unnumbered picked rows, in arrival order. The claim adds the rank to the destination's counter,
 * which it holds locked, and moves the counter by the count (outbox-queries.ts).
 */
export const FRESH_NUMBERS = `SELECT id, row_number() OVER (PARTITION BY destination_id ORDER BY created_at, id) AS rank
  FROM picked WHERE sequence IS NULL`;

function byArrival(a: SqlRow, b: SqlRow): number {
  const created = Number(a.created_at) - Number(b.created_at);
  if (created !== 0) return created;
  return String(a.id) < String(b.id) ? -1 : 1;
}

/**
 * Gives each of `rows` (deliveries just leased in the caller's transaction, as RETURNING * gave
 * them) that has no sequence number the next numbers of its destination's counter, in arrival
 * order (created_at, then id), and sets them on the rows too. Gap-free: the numbers and the
 * counter move together in the caller's transaction. Counters are taken in id order, and on
 * PostgreSQL the UPDATE's row lock makes a concurrent numberer wait and then read the moved value.
 * Used by SQLite's claim and by every claimOne; PostgreSQL's claimDue numbers in its own statement.
 */
export async function numberClaimedIn(tx: SqlExecutor, rows: SqlRow[]): Promise<void> {
  const waiting = new Map<string, SqlRow[]>();
  for (const row of rows) {
    if (row.sequence !== null && row.sequence !== undefined) continue;
    const id = String(row.destination_id);
    const list = waiting.get(id);
    if (list) list.push(row);
    else waiting.set(id, [row]);
  }
  for (const destinationId of [...waiting.keys()].sort()) {
    const group = (waiting.get(destinationId) as SqlRow[]).sort(byArrival);
    const [counter] = await tx.query(
      'UPDATE destinations SET next_sequence = next_sequence + ? WHERE id = ? RETURNING next_sequence',
      [group.length, destinationId],
    );
    const first = Number(counter?.next_sequence) - group.length;
    const params: unknown[] = [];
    const cases = group.map((row, i) => {
      row.sequence = first + i;
      params.push(row.id, row.sequence);
      return 'WHEN ? THEN CAST(? AS BIGINT)';
    });
    await tx.query(
      `UPDATE deliveries SET sequence = CASE id ${cases.join(' ')} END WHERE id IN (${placeholders(group.length)})`,
      [...params, ...group.map((row) => row.id)],
    );
  }
}
