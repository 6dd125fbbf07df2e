// Retention. An event goes only when none of its deliveries is pending, so pruning can never
// drop work the outbox still owes; everything is deleted by explicit statements (not left to
// ON DELETE CASCADE) so the counts reported are the rows actually removed.
import type { PruneCounts, PruneOptions, PrunePreview } from '../../retention/retention-types.js';
import type { SqlDriver } from '../sql-driver.js';
import { placeholders } from './query-helpers.js';

const EXPIRED_EVENTS = `FROM events e WHERE e.received_at < ?
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_row_id = e.id AND d.status = 'pending')`;

// Attempt ids start with their start time in hex (ids.ts), so `id < att_<cut-off>` walks the
// primary key instead of scanning every attempt for `started_at`.
const attemptIdBound = (before: number) => `att_${Math.max(0, Math.floor(before)).toString(16).padStart(12, '0')}`;

const count = (rows: Record<string, unknown>[]) => Number(rows[0]?.n ?? 0);

const FINISHED_REPLAYS = "FROM replay_jobs WHERE status IN ('completed', 'cancelled', 'failed') AND finished_at < ?";

export function pruneBatch(db: SqlDriver, options: PruneOptions & { limit: number }): Promise<PruneCounts> {
  return db.transaction(async (tx) => {
    // SKIP LOCKED (PostgreSQL): an event a replay batch is enqueueing for holds a key-share lock
    // and is left for a later pass; one this batch locks makes that replay wait, then miss it.
    const expired = (
      await tx.query(
        `SELECT e.id ${EXPIRED_EVENTS} ORDER BY e.received_at LIMIT ? ${db.kind === 'postgres' ? 'FOR UPDATE OF e SKIP LOCKED' : ''}`,
        [options.before, options.limit],
      )
    ).map((row) => String(row.id));
    const result: PruneCounts = { events: 0, deliveries: 0, attempts: 0, replayJobs: 0, idempotencyKeys: 0 };
    if (expired.length > 0) {
      const list = placeholders(expired.length);
      result.attempts += (
        await tx.query(
          `DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_row_id IN (${list})) RETURNING id`,
          expired,
        )
      ).length;
      result.deliveries = (
        await tx.query(`DELETE FROM deliveries WHERE event_row_id IN (${list}) RETURNING id`, expired)
      ).length;
      result.events = (await tx.query(`DELETE FROM events WHERE id IN (${list}) RETURNING id`, expired)).length;
    }
    // Old attempts of deliveries that stay (a long-pending or recently replayed delivery).
    result.attempts += (
      await tx.query(
        `DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE id < ? AND started_at < ? LIMIT ?) RETURNING id`,
        [attemptIdBound(options.before), options.before, options.limit],
      )
    ).length;
    result.replayJobs = (
      await tx.query(`DELETE FROM replay_jobs WHERE id IN (SELECT id ${FINISHED_REPLAYS} LIMIT ?) RETURNING id`, [
        options.before,
        options.limit,
      ])
    ).length;
    result.idempotencyKeys = (
      await tx.query(
        'DELETE FROM idempotency_keys WHERE key IN (SELECT key FROM idempotency_keys WHERE created_at < ? LIMIT ?) RETURNING key',
        [options.idempotencyBefore, options.limit],
      )
    ).length;
    return result;
  });
}

export async function previewPrune(db: SqlDriver, options: PruneOptions): Promise<PrunePreview> {
  const { before } = options;
  const events = count(await db.query(`SELECT COUNT(*) AS n ${EXPIRED_EVENTS}`, [before]));
  const deliveries = count(
    await db.query(`SELECT COUNT(*) AS n FROM deliveries WHERE event_row_id IN (SELECT e.id ${EXPIRED_EVENTS})`, [
      before,
    ]),
  );
  const attempts = count(
    await db.query(
      `SELECT COUNT(*) AS n FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
         WHERE (a.id < ? AND a.started_at < ?) OR d.event_row_id IN (SELECT e.id ${EXPIRED_EVENTS})`,
      [attemptIdBound(before), before, before],
    ),
  );
  const keptPending = count(
    await db.query(
      `SELECT COUNT(*) AS n FROM events e WHERE e.received_at < ?
         AND EXISTS (SELECT 1 FROM deliveries d WHERE d.event_row_id = e.id AND d.status = 'pending')`,
      [before],
    ),
  );
  const replayJobs = count(await db.query(`SELECT COUNT(*) AS n ${FINISHED_REPLAYS}`, [before]));
  const idempotencyKeys = count(
    await db.query('SELECT COUNT(*) AS n FROM idempotency_keys WHERE created_at < ?', [options.idempotencyBefore]),
  );
  return { events, deliveries, attempts, replayJobs, idempotencyKeys, keptPending };
}
