// The outbox's read side: the dispatcher claims, completes and releases deliveries under
// leases (ingest-queries.ts writes them). PostgreSQL's claim adds FOR UPDATE SKIP LOCKED.
import { LANE_DEFAULTS, RATE_EPSILON_MS } from '../../lanes/defaults.js';
import { DESTINATION_COLUMNS, toDelivery, toDestination, toEvent } from '../row-mappers.js';
import type { SqlDriver, SqlExecutor, SqlRow } from '../sql-driver.js';
import type { ClaimedDelivery, ClaimOptions, CompleteAttempt, DestinationRow, EventRow } from '../types.js';
import { placeholders } from './query-helpers.js';
import { FRESH_NUMBERS, numberClaimedIn } from './sequence-queries.js';

// With ordering, only the head of each key is claimable: no older pending delivery (by the
// event's created_at, ties by arrival: the delivery's created_at, then id) may exist for the same
// destination and key, and none of the key may be in flight (a late-arriving older event must
// not run alongside the head already out). The head stays pending while in flight and while it
// waits for a retry, so a key goes one at a time and a failing head holds back only its own key.
// One parameter: now.
const HEAD_OF_KEY = `(d.ordering_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM deliveries p WHERE p.destination_id = d.destination_id AND p.ordering_key = d.ordering_key
    AND p.status = 'pending'
    AND (p.event_created_at < d.event_created_at
      OR (p.event_created_at = d.event_created_at AND (p.created_at < d.created_at OR (p.created_at = d.created_at AND p.id < d.id)))
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

function optNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Claim parameters in the order the SQL below reads them. */
function leaseParams(options: ClaimOptions): unknown[] {
  return [options.owner, options.now, options.defaultTimeoutMs, options.leaseMarginMs];
}

// The due, unleased heads of one destination (`d.destination_id` fixed by the caller),
// oldest due first; served by deliveries_destination_due. Parameters: now, now, now (HEAD_OF_KEY).
const DUE_OF_DESTINATION = `d.status = 'pending' AND d.next_attempt_at <= ?
  AND (d.lease_until IS NULL OR d.lease_until <= ?) AND ${HEAD_OF_KEY}`;

/** How many of a destination's deliveries a claim may take: its lane's free slots and caps. */
function destinationLimit(options: ClaimOptions, id: string, maxInFlight: number | null): number {
  const { lanes } = options;
  if (!lanes) return options.limit;
  const free = (maxInFlight ?? lanes.defaultMaxInFlight) * (lanes.depth ?? 1) - (lanes.inFlight.get(id) ?? 0);
  return Math.max(0, Math.min(options.limit, free, lanes.caps?.get(id) ?? options.limit));
}

// When the claim's limit (the dispatcher's room under maxInFlight) cannot take every
// destination's share, the destinations take turns: each one's oldest due delivery first, then
// each one's second, and so on. Oldest-due-first across destinations let whichever destination
// came first among equal due times (every batch of ingests shares one) take the whole room.
const FAIR_ORDER = 'turn, next_attempt_at'; // PostgreSQL's claim spells it out: c.turn, c.next_attempt_at

/**
 * Leases due deliveries, at most `limit`, in turns across destinations (each one's oldest due
 * first), and per destination at most what its lane admits (`options.lanes`), so the dispatcher never claims what it must hand back.
 * Deliveries still without a `hookline-sequence` get theirs in the same transaction
 * (sequence-queries.ts).
 */
export async function claimDue(db: SqlDriver, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  if (db.kind === 'postgres') return claimDuePostgres(db, options);
  // SQLite: one serialised connection, so every statement is cheap and one transaction does it
  // all; the destinations' limits are computed here and each becomes a LIMIT of its own branch.
  // Not durable: a claim lost in a power cut is harmless (see SqlDriver.transaction).
  return db.transaction(
    async (tx) => {
      const excluded = options.excludeDestinationIds ?? [];
      const targets = (
        await tx.query(
          `SELECT id, max_in_flight FROM destinations WHERE enabled = 1
           ${excluded.length > 0 ? `AND id NOT IN (${placeholders(excluded.length)})` : ''} ORDER BY id`,
          excluded,
        )
      )
        .map((row) => ({
          id: String(row.id),
          limit: destinationLimit(options, String(row.id), optNumber(row.max_in_flight)),
        }))
        .filter((target) => target.limit > 0);
      if (targets.length === 0 || options.limit <= 0) return [];
      const branches = targets.map(
        () => `SELECT id, next_attempt_at, row_number() OVER (ORDER BY next_attempt_at) AS turn FROM (
        SELECT d.id, d.next_attempt_at FROM deliveries d
        WHERE d.destination_id = ? AND ${DUE_OF_DESTINATION} ORDER BY d.next_attempt_at LIMIT ?)`,
      );
      const rows = await tx.query(
        `UPDATE deliveries SET lease_owner = ?,
         lease_until = CAST(? AS BIGINT) + COALESCE((SELECT timeout_ms FROM destinations WHERE destinations.id = deliveries.destination_id), CAST(? AS BIGINT)) + CAST(? AS BIGINT)
       WHERE id IN (SELECT id FROM (${branches.join(' UNION ALL ')}) ORDER BY ${FAIR_ORDER} LIMIT ?) RETURNING *`,
        [
          ...leaseParams(options),
          ...targets.flatMap((target) => [target.id, options.now, options.now, options.now, target.limit]),
          options.limit,
        ],
      );
      await numberClaimedIn(tx, rows);
      return hydrate(tx, rows);
    },
    { durable: false },
  );
}

const EVENT_COLUMNS = ['id', 'event_id', 'source_name', 'type', 'resource_id', 'created_at', 'received_at', 'body'];
const EVENT_PREFIX = 'ev__';
const DESTINATION_PREFIX = 'dst__';

/** The columns of a joined row that carry `prefix`, without it. */
function unprefixed(row: SqlRow, prefix: string): SqlRow {
  const out: SqlRow = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}

/** `CASE t.id WHEN ? THEN ? … ELSE fallback END`, or just the fallback for an empty map. */
function perDestination(values: ReadonlyMap<string, number> | undefined, fallback: string, params: unknown[]): string {
  if (!values || values.size === 0) return fallback;
  const whens = [...values].map(([id, value]) => {
    params.push(id, value);
    return 'WHEN ? THEN CAST(? AS BIGINT)';
  });
  return `CASE t.id ${whens.join(' ')} ELSE ${fallback} END`;
}

/**
 * PostgreSQL's claim first locks, in id order, every enabled destination it may claim for (not
 * excluded, with something due): FOR NO KEY UPDATE, which ingest's foreign-key checks do not
 * wait for. It is the only lock a claimer waits for (deliveries are taken SKIP LOCKED, after it),
 * so concurrent claimers queue here and never deadlock, and a destination's DELETE, which locks
 * the destination and then its deliveries, cannot wait for a delivery a claimer holds.
 *
 * It is a statement of its own, in the claim's transaction: the claim statement that follows
 * reads and moves the counters and buckets, and its snapshot, taken after the lock, sees their
 * latest values. Locking in a CTE of the claim statement itself deadlocked under concurrent
 * claims: the statement's UPDATE of a destination then starts from the row version of its
 * older snapshot and queues for that version's tuple lock, which a waiting claimer holds while
 * it waits for this one. Each row also sets ASYNC_COMMIT. Parameters: now, then the excluded ids.
 *
 * "Something due" is the destination's earliest pending due time, read as a scalar sub-select:
 * one probe of deliveries_destination_due per destination whatever the statistics say. Written
 * as EXISTS, the planner could turn it into a semi-join over every pending delivery, and with a
 * deep queue the lock then cost more CPU than the claim (bench, 2026-12-06).
 */
function lockDestinations(excluded: number): string {
  return `SELECT id FROM destinations
    WHERE enabled = 1 AND ${ASYNC_COMMIT}
      AND (SELECT d.next_attempt_at FROM deliveries d WHERE d.destination_id = destinations.id AND d.status = 'pending'
             ORDER BY d.next_attempt_at LIMIT 1) <= ?
      ${excluded > 0 ? `AND id NOT IN (${placeholders(excluded)})` : ''}
    ORDER BY id FOR NO KEY UPDATE`;
}

/** The locked destinations' columns the claim reads (the `locked` CTE). Parameters: their ids. */
const lockedColumns = (count: number) =>
  `SELECT id, next_sequence, max_in_flight, timeout_ms, rate_per_second, rate_tat FROM destinations WHERE id IN (${placeholders(count)})`;

/**
 * The rated destinations' shared buckets, from the locked rows (`locked`), in the same terms as
 * lanes/token-bucket.ts: `tat` is the GCRA theoretical arrival time (epoch ms) brought up to now
 * (a bucket never used starts at now), one token every `step` ms, `burst` one second's worth (at
 * least 1). Parameters: now, now.
 */
const RATED_BUCKETS = `SELECT id, GREATEST(COALESCE(rate_tat, CAST(? AS DOUBLE PRECISION)), CAST(? AS DOUBLE PRECISION)) AS tat,
         1000.0 / rate_per_second AS step, GREATEST(1, CEIL(rate_per_second * ${LANE_DEFAULTS.burstSeconds})) AS burst
    FROM locked WHERE rate_per_second IS NOT NULL`;

/** Tokens the bucket `r` (a row of RATED_BUCKETS) holds at now, at most its burst. Parameter: now. */
const TOKENS_HELD = `CAST(LEAST(r.burst,
  GREATEST(0, FLOOR(((r.burst - 1) * r.step + ${RATE_EPSILON_MS} - (r.tat - CAST(? AS DOUBLE PRECISION))) / r.step) + 1)) AS BIGINT)`;

/**
 * Makes the claim's commit not wait for the disk: the PostgreSQL form of the `durable: false`
 * that SQLite's claim transaction has (sql-driver.ts says why losing one is harmless). `true`
 * (local) scopes it to the claim's own transaction. Waiting
 * made every claim queue for a WAL flush behind ingest's and attempt results' (about 12 ms a
 * claim at 1000 events/s, 9 ms without; measured 2026-12-05).
 */
const ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true) IS NOT NULL";

/**
 * PostgreSQL: a transaction of two statements. The first locks the destinations
 * (lockDestinations). In the second, a LATERAL sub-select per destination takes at most its
 * lane's limit, locking with SKIP LOCKED (a window function cannot be combined with FOR UPDATE; a
 * LATERAL LIMIT can read the destination's row); the claimed rows come back joined with their
 * event and destination.
 *
 * The same write that leases a delivery numbers it if it has no `hookline-sequence` yet
 * (FRESH_NUMBERS: the locked counter plus its rank), and `moved` advances each counter by the
 * numbers drawn. `rate_per_second` holds across processes the same way: the statement takes at
 * most the tokens each rated destination's shared bucket holds and moves the bucket by what it
 * claimed. One UPDATE moves both, since a statement may not update a row twice.
 */
async function claimDuePostgres(db: SqlDriver, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  const { lanes } = options;
  const excluded = options.excludeDestinationIds ?? [];
  const dueParams = [options.now, options.now, options.now];
  let limit = 'CAST(? AS BIGINT)';
  let limitParams: unknown[] = [options.limit];
  if (lanes) {
    limitParams = [options.limit, lanes.defaultMaxInFlight, lanes.depth ?? 1];
    const inFlight = perDestination(lanes.inFlight, '0', limitParams);
    const cap = perDestination(lanes.caps, 'CAST(? AS BIGINT)', limitParams);
    limitParams.push(options.limit); // the caps' fallback
    limit = `GREATEST(0, LEAST(CAST(? AS BIGINT), COALESCE(t.max_in_flight, CAST(? AS BIGINT)) * CAST(? AS BIGINT) - ${inFlight}, ${cap}))`;
  }
  limit = `LEAST(${limit}, CASE WHEN r.id IS NULL THEN CAST(? AS BIGINT) ELSE ${TOKENS_HELD} END)`;
  limitParams.push(options.limit, options.now);
  const claimParams = (locked: readonly string[]) => [
    ...locked,
    options.now,
    options.now,
    ...dueParams,
    ...limitParams,
    options.limit,
    ...leaseParams(options),
  ];
  const eventColumns = EVENT_COLUMNS.map((c) => `e.${c} AS ${EVENT_PREFIX}${c}`).join(', ');
  const destinationColumns = DESTINATION_COLUMNS.map((c) => `t.${c} AS ${DESTINATION_PREFIX}${c}`).join(', ');
  const claimSql = (locked: number) =>
    `WITH locked AS (${lockedColumns(locked)}), rated AS (${RATED_BUCKETS}), picked AS (
       SELECT c.id, c.destination_id, c.sequence, c.created_at FROM locked t LEFT JOIN rated r ON r.id = t.id CROSS JOIN LATERAL (
         SELECT l.*, row_number() OVER (ORDER BY l.next_attempt_at) AS turn FROM (
           SELECT d.id, d.destination_id, d.sequence, d.created_at, d.next_attempt_at FROM deliveries d
            WHERE d.destination_id = t.id AND ${DUE_OF_DESTINATION}
           ORDER BY d.next_attempt_at LIMIT ${limit} ${db.lockClause}
         ) l
       ) c
       ORDER BY c.turn, c.next_attempt_at LIMIT CAST(? AS BIGINT)
     ), fresh AS (${FRESH_NUMBERS}), claimed AS (
       UPDATE deliveries SET lease_owner = ?,
         lease_until = CAST(? AS BIGINT) + COALESCE(t.timeout_ms, CAST(? AS BIGINT)) + CAST(? AS BIGINT),
         sequence = COALESCE(deliveries.sequence, t.next_sequence - 1 + f.rank)
       FROM picked JOIN locked t ON t.id = picked.destination_id LEFT JOIN fresh f ON f.id = picked.id
       WHERE deliveries.id = picked.id
       RETURNING deliveries.*
     ), moved AS (
       UPDATE destinations
          SET next_sequence = t.next_sequence + taken.numbered,
              rate_tat = CASE WHEN r.id IS NULL THEN destinations.rate_tat ELSE r.tat + taken.n * r.step END
         FROM (SELECT destination_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE sequence IS NULL) AS numbered
                 FROM picked GROUP BY destination_id) taken
           JOIN locked t ON t.id = taken.destination_id LEFT JOIN rated r ON r.id = taken.destination_id
        WHERE destinations.id = taken.destination_id AND (taken.numbered > 0 OR r.id IS NOT NULL)
     )
     SELECT claimed.*, ${eventColumns}, ${destinationColumns}
       FROM claimed JOIN events e ON e.id = claimed.event_row_id JOIN destinations t ON t.id = claimed.destination_id
       ORDER BY claimed.next_attempt_at`;
  const rows = await db.transaction(async (tx) => {
    const locked = (await tx.query(lockDestinations(excluded.length), [options.now, ...excluded])).map((row) =>
      String(row.id),
    );
    return locked.length === 0 ? [] : tx.query(claimSql(locked.length), claimParams(locked));
  });
  return rows.map((row) => ({
    delivery: toDelivery(row),
    event: toEvent(unprefixed(row, EVENT_PREFIX)),
    destination: toDestination(unprefixed(row, DESTINATION_PREFIX)),
  }));
}

export async function claimOne(
  db: SqlDriver,
  id: string,
  options: Omit<ClaimOptions, 'limit' | 'excludeDestinationIds' | 'lanes'>,
): Promise<ClaimedDelivery | null> {
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') {
      // The destination first, as the claim and a destination's DELETE take them: leasing the
      // delivery and then moving its destination's counter could deadlock with a DELETE that
      // holds the destination and waits for the delivery.
      await tx.query(
        `SELECT t.id FROM destinations t JOIN deliveries d ON d.destination_id = t.id WHERE d.id = ?
          FOR NO KEY UPDATE OF t`,
        [id],
      );
    }
    const rows = await tx.query(
      `UPDATE deliveries SET lease_owner = ?,
         lease_until = CAST(? AS BIGINT) + COALESCE((SELECT timeout_ms FROM destinations WHERE destinations.id = deliveries.destination_id), CAST(? AS BIGINT)) + CAST(? AS BIGINT)
       WHERE id = ? AND (lease_until IS NULL OR lease_until <= ?) RETURNING *`,
      [options.owner, options.now, options.defaultTimeoutMs, options.leaseMarginMs, id, options.now],
    );
    await numberClaimedIn(tx, rows);
    const [claimed] = await hydrate(tx, rows);
    return claimed ?? null;
  });
}

// One row per result: id, owner, status, counted (0/1), next_attempt_at, last_attempt_at,
// last_status_code, last_error, now. VALUES columns are column1… on both databases; the casts
// give PostgreSQL their types.
const RESULT_ROW =
  '(?, ?, ?, CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS BIGINT))';

/**
 * Records a batch of attempt results in three statements whatever its size: one UPDATE that
 * writes every delivery whose lease the owner still holds, one INSERT of those attempts, and
 * (rarely) the 410 disables. Answers per input: false when its lease was lost (nothing written).
 */
export async function completeBatchIn(tx: SqlExecutor, inputs: readonly CompleteAttempt[]): Promise<boolean[]> {
  if (inputs.length === 0) return [];
  const updated = await tx.query(
    `UPDATE deliveries SET status = v.column3, attempt_count = attempt_count + v.column4, next_attempt_at = v.column5,
         lease_owner = NULL, lease_until = NULL, last_attempt_at = v.column6, last_status_code = v.column7,
         last_error = v.column8, updated_at = v.column9,
         delivered_at = CASE WHEN v.column3 = 'delivered' THEN COALESCE(delivered_at, v.column9) ELSE delivered_at END
       FROM (VALUES ${inputs.map(() => RESULT_ROW).join(', ')}) AS v
       WHERE deliveries.id = v.column1 AND deliveries.lease_owner = v.column2
       RETURNING deliveries.id, deliveries.destination_id`,
    inputs.flatMap((input) => [
      input.attempt.deliveryId,
      input.owner,
      input.status,
      input.countsTowardSchedule ? 1 : 0,
      input.nextAttemptAt,
      input.attempt.startedAt,
      input.attempt.statusCode,
      input.attempt.errorMessage,
      input.now,
    ]),
  );
  const destinationOf = new Map(updated.map((row) => [String(row.id), String(row.destination_id)]));
  const saved = inputs.filter((input) => destinationOf.has(input.attempt.deliveryId));
  if (saved.length > 0) {
    await tx.query(
      `INSERT INTO attempts (id, delivery_id, attempt_number, manual, started_at, latency_ms, status_code, error_class,
           error_message, response_body, outcome) VALUES ${saved.map(() => `(${placeholders(11)})`).join(', ')}`,
      saved.flatMap(({ attempt }) => [
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
      ]),
    );
  }
  for (const input of saved) {
    if (!input.disableDestination) continue;
    await tx.query('UPDATE destinations SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?', [
      input.disableDestination.reason,
      input.now,
      destinationOf.get(input.attempt.deliveryId),
    ]);
  }
  return inputs.map((input) => destinationOf.has(input.attempt.deliveryId));
}

// PostgreSQL, one statement: the RESULT_ROW columns, then the attempt's own: id,
// attempt_number, manual, latency_ms, error_class, response_body, outcome.
const RESULT_AND_ATTEMPT_ROW = `(${RESULT_ROW.slice(1, -1)}, ?, CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))`;

/**
 * Records a batch of attempt results durably. PostgreSQL: one autocommit statement (one round
 * trip, one commit) whose CTEs update the deliveries still leased by their owner and insert
 * exactly those attempts; a batch with a 410 disable, and SQLite, use {@link completeBatchIn} in
 * a transaction.
 */
export async function completeBatch(db: SqlDriver, inputs: readonly CompleteAttempt[]): Promise<boolean[]> {
  if (db.kind !== 'postgres' || inputs.some((input) => input.disableDestination)) {
    return db.transaction((tx) => completeBatchIn(tx, inputs));
  }
  const saved = await db.query(
    `WITH v AS (VALUES ${inputs.map(() => RESULT_AND_ATTEMPT_ROW).join(', ')}),
     updated AS (
       UPDATE deliveries SET status = v.column3, attempt_count = attempt_count + v.column4, next_attempt_at = v.column5,
           lease_owner = NULL, lease_until = NULL, last_attempt_at = v.column6, last_status_code = v.column7,
           last_error = v.column8, updated_at = v.column9,
           delivered_at = CASE WHEN v.column3 = 'delivered' THEN COALESCE(delivered_at, v.column9) ELSE delivered_at END
         FROM v WHERE deliveries.id = v.column1 AND deliveries.lease_owner = v.column2
         RETURNING deliveries.id),
     recorded AS (
       INSERT INTO attempts (id, delivery_id, attempt_number, manual, started_at, latency_ms, status_code, error_class,
           error_message, response_body, outcome)
         SELECT v.column10, v.column1, v.column11, v.column12, v.column6, v.column13, v.column7, v.column14, v.column8,
           v.column15, v.column16
         FROM v JOIN updated ON updated.id = v.column1
         RETURNING delivery_id)
     SELECT delivery_id FROM recorded`,
    inputs.flatMap((input) => {
      const { attempt } = input;
      return [
        attempt.deliveryId,
        input.owner,
        input.status,
        input.countsTowardSchedule ? 1 : 0,
        input.nextAttemptAt,
        attempt.startedAt,
        attempt.statusCode,
        attempt.errorMessage,
        input.now,
        attempt.id,
        attempt.attemptNumber,
        attempt.manual ? 1 : 0,
        attempt.latencyMs,
        attempt.errorClass,
        attempt.responseBody,
        attempt.outcome,
      ];
    }),
  );
  const recorded = new Set(saved.map((row) => String(row.delivery_id)));
  return inputs.map((input) => recorded.has(input.attempt.deliveryId));
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
