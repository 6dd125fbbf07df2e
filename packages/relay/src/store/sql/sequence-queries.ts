// hookline-sequence numbers are drawn when deliveries are claimed, not when they are ingested.
// Drawing them at ingest made every ingest transaction lock its destinations' counter rows until
// commit, so on PostgreSQL ingests fanning out to the same destination ran one at a time (about
// 100 events/s over three processes). Here one claimer numbers all of a destination's
// unnumbered pending deliveries in one statement; ingest takes no lock at all.
import type { SqlDriver, SqlExecutor } from '../sql-driver.js';
import { placeholders } from './query-helpers.js';

// SQLite only (PostgreSQL runs assign_delivery_sequences()). Without statistics SQLite preferred
// deliveries_destination_due for the DISTINCT (it is ordered by destination too) and scanned every
// pending delivery, 1.4 ms per claim with a few thousand waiting; the partial index holds only the
// unnumbered ones, so the check is free when there are none.
const UNSEQUENCED =
  "SELECT DISTINCT destination_id FROM deliveries INDEXED BY deliveries_unsequenced WHERE sequence IS NULL AND status = 'pending'";

/**
 * Gives every pending delivery without a sequence number the next numbers of its destination's
 * counter, in arrival order (created_at, then id). Run in its own short transaction just before
 * a claim: gap-free, because the numbers and the counter move together. Concurrent claimers on
 * PostgreSQL wait for each other's numbering (rows locked in id order, so no deadlock) and then
 * find nothing left to number; the claim query never takes an unnumbered delivery.
 */
export async function assignSequencesIn(tx: SqlExecutor, kind: 'sqlite' | 'postgres'): Promise<void> {
  const waiting = await tx.query(
    kind === 'sqlite'
      ? UNSEQUENCED
      : "SELECT DISTINCT destination_id FROM deliveries WHERE sequence IS NULL AND status = 'pending'",
  );
  if (waiting.length === 0) return;
  const ids = waiting.map((row) => String(row.destination_id)).sort();
  // NO KEY: ingest's foreign-key checks hold FOR KEY SHARE on these rows; FOR UPDATE would wait for them.
  const lock = kind === 'postgres' ? 'FOR NO KEY UPDATE' : '';
  const destinations = await tx.query(
    `SELECT id, next_sequence FROM destinations WHERE id IN (${placeholders(ids.length)}) ORDER BY id ${lock}`,
    ids,
  );
  for (const destination of destinations) {
    // One statement numbers and returns the rows, so the count used for the counter is exactly
    // the set that was numbered, even if more deliveries commit meanwhile.
    const numbered = await tx.query(
      `UPDATE deliveries SET sequence = numbered.sequence
         FROM (SELECT id, CAST(? AS BIGINT) - 1 + row_number() OVER (ORDER BY created_at, id) AS sequence
                 FROM deliveries WHERE destination_id = ? AND sequence IS NULL AND status = 'pending') AS numbered
       WHERE deliveries.id = numbered.id RETURNING deliveries.id`,
      [destination.next_sequence, destination.id],
    );
    if (numbered.length === 0) continue;
    await tx.query('UPDATE destinations SET next_sequence = next_sequence + ? WHERE id = ?', [
      numbered.length,
      destination.id,
    ]);
  }
}

/**
 * Numbers waiting deliveries in a transaction of its own, opened only when there are some: the
 * check is one index lookup, where an empty transaction would cost PostgreSQL two round trips.
 */
export async function assignSequences(db: SqlDriver): Promise<void> {
  // PostgreSQL: the same steps server-side (migration 5), one round trip whether or not any.
  if (db.kind === 'postgres') {
    await db.query('SELECT assign_delivery_sequences()');
    return;
  }
  const waiting = await db.query(UNSEQUENCED);
  if (waiting.length > 0) await db.transaction((tx) => assignSequencesIn(tx, db.kind));
}
