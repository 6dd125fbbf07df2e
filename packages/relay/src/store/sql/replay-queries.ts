// Replay jobs: the job row is the unit of work and of locking. Every batch first updates the job
// row where `lease_owner` is the caller and the status is `running`; that both proves the caller
// still holds the job (a cancel or a takeover makes it touch no row, so the batch writes nothing)
// and, on PostgreSQL, locks the row so a cancel waits for the batch instead of racing it.
import { matchesEventType } from '../../event-type-filter.js';
import type {
  NewReplayJob,
  ReplayBatchOptions,
  ReplayJobRow,
  ReplayMode,
  ReplayStatus,
} from '../../replay/replay-types.js';
import type { SqlDriver, SqlExecutor, SqlRow } from '../sql-driver.js';
import type { Page } from '../types.js';
import { insertDeliveryIn, orderingKeyOf } from './ingest-queries.js';
import { page, placeholders } from './query-helpers.js';

const optNum = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const optStr = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export function toReplayJob(row: SqlRow): ReplayJobRow {
  return {
    id: String(row.id),
    status: String(row.status) as ReplayStatus,
    mode: String(row.mode) as ReplayMode,
    since: Number(row.since),
    until: Number(row.until),
    destinationId: optStr(row.destination_id),
    eventTypes: JSON.parse(String(row.event_types)) as string[],
    dryRun: Number(row.dry_run) === 1,
    cursor: optStr(row.cursor),
    matched: Number(row.matched),
    enqueued: Number(row.enqueued),
    skipped: Number(row.skipped),
    error: optStr(row.error),
    leaseOwner: optStr(row.lease_owner),
    leaseUntil: optNum(row.lease_until),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: optNum(row.finished_at),
  };
}

export async function insertReplayJob(db: SqlExecutor, job: NewReplayJob): Promise<ReplayJobRow> {
  const [row] = await db.query(
    `INSERT INTO replay_jobs (id, status, mode, since, until, destination_id, event_types, dry_run, created_at, updated_at)
       VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    [
      job.id,
      job.mode,
      job.since,
      job.until,
      job.destinationId,
      JSON.stringify(job.eventTypes),
      job.dryRun ? 1 : 0,
      job.createdAt,
      job.createdAt,
    ],
  );
  return toReplayJob(row as SqlRow);
}

export async function getReplayJob(db: SqlExecutor, id: string): Promise<ReplayJobRow | null> {
  const [row] = await db.query('SELECT * FROM replay_jobs WHERE id = ?', [id]);
  return row ? toReplayJob(row) : null;
}

export async function listReplayJobs(
  db: SqlExecutor,
  options: { after?: string | undefined; limit: number },
): Promise<Page<ReplayJobRow>> {
  const rows = options.after
    ? await db.query('SELECT * FROM replay_jobs WHERE id < ? ORDER BY id DESC LIMIT ?', [
        options.after,
        options.limit + 1,
      ])
    : await db.query('SELECT * FROM replay_jobs ORDER BY id DESC LIMIT ?', [options.limit + 1]);
  return page(rows.map(toReplayJob), options.limit);
}

/**
 * The jobs `/metrics` reports: every unfinished one (oldest first, the order workers take them),
 * then those finished at or after `finishedSince` (newest first), at most `limit` in all. Unfinished
 * jobs come through the (status, created_at) index; finished ones are few, since retention prunes them.
 */
export async function listReportedReplayJobs(
  db: SqlExecutor,
  options: { finishedSince: number; limit: number },
): Promise<ReplayJobRow[]> {
  const rows = await db.query(
    `SELECT * FROM replay_jobs WHERE status IN ('queued', 'running') OR finished_at >= ?
       ORDER BY CASE WHEN finished_at IS NULL THEN 0 ELSE 1 END,
         CASE WHEN finished_at IS NULL THEN created_at ELSE -finished_at END, id
       LIMIT ?`,
    [options.finishedSince, options.limit],
  );
  return rows.map(toReplayJob);
}

export async function cancelReplayJob(db: SqlExecutor, id: string, now: number): Promise<ReplayJobRow | null> {
  const [row] = await db.query(
    `UPDATE replay_jobs SET status = 'cancelled', lease_owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ?
       WHERE id = ? AND status IN ('queued', 'running') RETURNING *`,
    [now, now, id],
  );
  return row ? toReplayJob(row) : getReplayJob(db, id);
}

export async function claimReplayJob(
  db: SqlDriver,
  options: { owner: string; now: number; leaseMs: number },
): Promise<ReplayJobRow | null> {
  const lock = db.kind === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const [row] = await db.query(
    `UPDATE replay_jobs SET status = 'running', lease_owner = ?, lease_until = ?, updated_at = ?
       WHERE id = (
         SELECT id FROM replay_jobs WHERE status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY created_at, id LIMIT 1 ${lock}
       ) RETURNING *`,
    [options.owner, options.now + options.leaseMs, options.now, options.now],
  );
  return row ? toReplayJob(row) : null;
}

export async function releaseReplayJob(db: SqlExecutor, id: string, owner: string): Promise<void> {
  await db.query('UPDATE replay_jobs SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?', [
    id,
    owner,
  ]);
}

export async function failReplayJob(db: SqlExecutor, id: string, owner: string, error: string, now: number) {
  await db.query(
    `UPDATE replay_jobs SET status = 'failed', error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ?
       WHERE id = ? AND lease_owner = ? AND status = 'running'`,
    [error, now, now, id, owner],
  );
}

export async function releaseAllReplayLeases(db: SqlExecutor): Promise<number> {
  const rows = await db.query(
    'UPDATE replay_jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL RETURNING id',
  );
  return rows.length;
}

interface Cursor {
  receivedAt: number;
  id: string;
}

// `received_at:id`: events are walked in (received_at, id) order, which the events_received
// index serves, so each batch reads only its own rows however large the range is.
const parseCursor = (job: ReplayJobRow): Cursor => {
  if (!job.cursor) return { receivedAt: job.since, id: '' };
  const at = job.cursor.indexOf(':');
  return { receivedAt: Number(job.cursor.slice(0, at)), id: job.cursor.slice(at + 1) };
};

interface Counts {
  enqueued: number;
  skipped: number;
}

interface BatchEvent {
  id: string;
  type: string;
  resourceId: string | null;
  createdAt: number;
}

interface Candidate {
  id: string;
  eventTypes: string[];
  perResource: boolean;
}

/** Candidate destinations: the job's one, or all; enabled ones only, as ingress does. */
async function destinationsFor(tx: SqlExecutor, job: ReplayJobRow): Promise<Candidate[]> {
  // Ordered by id, the order in which claims lock destinations.
  const rows = job.destinationId
    ? await tx.query('SELECT id, event_types, ordering FROM destinations WHERE enabled = 1 AND id = ?', [
        job.destinationId,
      ])
    : await tx.query('SELECT id, event_types, ordering FROM destinations WHERE enabled = 1 ORDER BY id');
  return rows.map((row) => ({
    id: String(row.id),
    eventTypes: JSON.parse(String(row.event_types)) as string[],
    perResource: row.ordering === 'per_resource',
  }));
}

/** The thread id is not a column; read it from the stored body, as ingress read it from the envelope. */
async function threadIdOf(tx: SqlExecutor, eventId: string): Promise<string | null> {
  const [row] = await tx.query('SELECT body FROM events WHERE id = ?', [eventId]);
  try {
    const body = row?.body as Buffer | Uint8Array | undefined;
    const data = (JSON.parse(Buffer.from(body ?? []).toString('utf8')) as { data?: { session_thread_id?: unknown } })
      .data;
    return typeof data?.session_thread_id === 'string' ? data.session_thread_id : null;
  } catch {
    return null;
  }
}

async function replayFailed(tx: SqlExecutor, job: ReplayJobRow, events: BatchEvent[], now: number): Promise<Counts> {
  const ids = events.map((e) => e.id);
  const byDestination = job.destinationId ? 'AND destination_id = ?' : '';
  const rows = await tx.query(
    `SELECT id, status, lease_until FROM deliveries WHERE event_row_id IN (${placeholders(ids.length)}) ${byDestination}`,
    job.destinationId ? [...ids, job.destinationId] : ids,
  );
  // A failed row under a live lease is being retried by hand right now: leave it to that attempt
  // (resetting it would let the dispatcher claim it while the manual attempt is still in flight).
  const failed = rows
    .filter((row) => row.status === 'failed' && (row.lease_until === null || Number(row.lease_until) <= now))
    .map((row) => String(row.id));
  let enqueued = failed.length;
  if (failed.length > 0 && !job.dryRun) {
    // The same row goes back to pending with a fresh schedule: its attempts stay attached to it,
    // so the log shows one delivery with its whole history rather than a second, unrelated one.
    enqueued = (
      await tx.query(
        `UPDATE deliveries SET status = 'pending', attempt_count = 0, next_attempt_at = ?, updated_at = ?
           WHERE status = 'failed' AND (lease_until IS NULL OR lease_until <= ?) AND id IN (${placeholders(failed.length)})
           RETURNING id`,
        [now, now, now, ...failed],
      )
    ).length;
  }
  return { enqueued, skipped: rows.length - enqueued };
}

async function replayNew(tx: SqlExecutor, job: ReplayJobRow, events: BatchEvent[], now: number): Promise<Counts> {
  const destinations = await destinationsFor(tx, job);
  if (destinations.length === 0) return { enqueued: 0, skipped: 0 };
  const ids = events.map((e) => e.id);
  // `all` leaves alone a pair that is already waiting (a second row would only deliver twice);
  // `missing` leaves alone a pair that has any row at all.
  const existing = await tx.query(
    `SELECT event_row_id, destination_id FROM deliveries WHERE event_row_id IN (${placeholders(ids.length)})
       ${job.mode === 'all' ? "AND status = 'pending'" : ''}`,
    ids,
  );
  const has = new Set(existing.map((row) => `${row.event_row_id} ${row.destination_id}`));
  const counts = { enqueued: 0, skipped: 0 };
  for (const event of events) {
    for (const destination of destinations) {
      if (!matchesEventType(destination.eventTypes, event.type)) continue;
      if (has.has(`${event.id} ${destination.id}`)) {
        counts.skipped++;
        continue;
      }
      counts.enqueued++;
      if (job.dryRun) continue;
      // Through the outbox's own insert: a new row gets its destination's next `hookline-sequence`
      // when first claimed and, for a per-resource destination, the event's ordering key and
      // created_at, so a replayed event takes its place in its resource's order.
      await insertDeliveryIn(tx, {
        eventRowId: event.id,
        destinationId: destination.id,
        orderingKey: destination.perResource
          ? orderingKeyOf({ resourceId: event.resourceId, threadId: await threadIdOf(tx, event.id) })
          : null,
        eventCreatedAt: event.createdAt,
        now,
      });
    }
  }
  return counts;
}

export function runReplayBatch(db: SqlDriver, options: ReplayBatchOptions): Promise<ReplayJobRow | null> {
  return db.transaction(async (tx) => {
    const [held] = await tx.query(
      `UPDATE replay_jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING *`,
      [options.now + options.leaseMs, options.now, options.jobId, options.owner],
    );
    if (!held) return null;
    const job = toReplayJob(held);
    const cursor = parseCursor(job);
    // FOR KEY SHARE (PostgreSQL): retention skips these events (it locks FOR UPDATE SKIP LOCKED)
    // until this batch commits, so it can never delete an event a replay is enqueueing.
    const rows = await tx.query(
      `SELECT id, type, resource_id, created_at, received_at FROM events
         WHERE received_at < ? AND (received_at > ? OR (received_at = ? AND id > ?))
         ORDER BY received_at, id LIMIT ? ${db.kind === 'postgres' ? 'FOR KEY SHARE' : ''}`,
      [job.until, cursor.receivedAt, cursor.receivedAt, cursor.id, options.batchSize],
    );
    const events = rows
      .map((row) => ({
        id: String(row.id),
        type: String(row.type),
        resourceId: row.resource_id === null ? null : String(row.resource_id),
        createdAt: Number(row.created_at),
      }))
      .filter((event) => matchesEventType(job.eventTypes, event.type));
    const counts =
      events.length === 0
        ? { enqueued: 0, skipped: 0 }
        : job.mode === 'failed'
          ? await replayFailed(tx, job, events, options.now)
          : await replayNew(tx, job, events, options.now);
    const last = rows.at(-1);
    const done = rows.length < options.batchSize;
    const [updated] = await tx.query(
      `UPDATE replay_jobs SET cursor = ?, matched = matched + ?, enqueued = enqueued + ?, skipped = skipped + ?,
           status = ?, finished_at = ?, lease_owner = ?, lease_until = ?, updated_at = ?
         WHERE id = ? RETURNING *`,
      [
        last ? `${Number(last.received_at)}:${String(last.id)}` : job.cursor,
        events.length,
        counts.enqueued,
        counts.skipped,
        done ? 'completed' : 'running',
        done ? options.now : null,
        done ? null : options.owner,
        done ? null : options.now + options.leaseMs,
        options.now,
        job.id,
      ],
    );
    return toReplayJob(updated as SqlRow);
  });
}
