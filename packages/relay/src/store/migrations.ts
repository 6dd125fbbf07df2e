// The schema, written once for both databases: times (epoch milliseconds) and counters are
// BIGINT on PostgreSQL and INTEGER on SQLite (already 64-bit there); bodies BYTEA or BLOB.

/** The column types that differ between the two databases. */
export interface SchemaTypes {
  /** Epoch milliseconds and other counters that outgrow 32 bits. */
  millis: string;
  blob: string;
  real: string;
  /** PostgreSQL only: server-side functions (SQLite runs the same logic from the store). */
  postgres: boolean;
}

export const SQLITE_TYPES: SchemaTypes = { millis: 'INTEGER', blob: 'BLOB', real: 'REAL', postgres: false };
export const POSTGRES_TYPES: SchemaTypes = {
  millis: 'BIGINT',
  blob: 'BYTEA',
  real: 'DOUBLE PRECISION',
  postgres: true,
};

/**
 * Schema changes in order; the database records how many it has applied (schema_migrations),
 * so a later version only appends to this list and never edits an applied entry.
 */
export function schemaMigrations(types: SchemaTypes): readonly string[] {
  return [
    // 1: the part 1 schema
    `
CREATE TABLE IF NOT EXISTS sources (
  name TEXT PRIMARY KEY,
  description TEXT,
  sealed_keys TEXT NOT NULL,
  created_at ${types.millis} NOT NULL,
  updated_at ${types.millis} NOT NULL
);
CREATE TABLE IF NOT EXISTS destinations (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  description TEXT,
  event_types TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  disabled_reason TEXT,
  timeout_ms INTEGER,
  headers TEXT NOT NULL,
  retry_schedule TEXT,
  sealed_secret TEXT NOT NULL,
  sealed_previous_secret TEXT,
  previous_secret_expires_at ${types.millis},
  created_at ${types.millis} NOT NULL,
  updated_at ${types.millis} NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  source_name TEXT NOT NULL,
  type TEXT NOT NULL,
  resource_id TEXT,
  created_at ${types.millis} NOT NULL,
  received_at ${types.millis} NOT NULL,
  body ${types.blob} NOT NULL,
  UNIQUE (source_name, event_id)
);
CREATE INDEX IF NOT EXISTS events_type ON events (type, id);
CREATE INDEX IF NOT EXISTS events_resource ON events (resource_id, id);
CREATE INDEX IF NOT EXISTS events_event_id ON events (event_id);
CREATE INDEX IF NOT EXISTS events_received ON events (received_at);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  event_row_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  destination_id TEXT NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  attempt_count INTEGER NOT NULL,
  next_attempt_at ${types.millis},
  lease_owner TEXT,
  lease_until ${types.millis},
  last_attempt_at ${types.millis},
  last_status_code INTEGER,
  last_error TEXT,
  created_at ${types.millis} NOT NULL,
  updated_at ${types.millis} NOT NULL,
  delivered_at ${types.millis}
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_destination ON deliveries (destination_id, id);
CREATE INDEX IF NOT EXISTS deliveries_event ON deliveries (event_row_id);
CREATE TABLE IF NOT EXISTS attempts (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
  attempt_number INTEGER NOT NULL,
  manual INTEGER NOT NULL,
  started_at ${types.millis} NOT NULL,
  latency_ms INTEGER NOT NULL,
  status_code INTEGER,
  error_class TEXT,
  error_message TEXT,
  response_body TEXT,
  outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_delivery ON attempts (delivery_id, id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  created_at ${types.millis} NOT NULL
);
`,
    // 2: part 2 (issue 6): lanes, auto-disable, ordering, sequence numbers, replay jobs.
    `
ALTER TABLE destinations ADD COLUMN max_in_flight INTEGER;
ALTER TABLE destinations ADD COLUMN rate_per_second ${types.real};
ALTER TABLE destinations ADD COLUMN ordering TEXT NOT NULL DEFAULT 'none';
ALTER TABLE destinations ADD COLUMN failing_since ${types.millis};
ALTER TABLE destinations ADD COLUMN next_sequence ${types.millis} NOT NULL DEFAULT 1;
ALTER TABLE deliveries ADD COLUMN sequence ${types.millis};
ALTER TABLE deliveries ADD COLUMN ordering_key TEXT;
ALTER TABLE deliveries ADD COLUMN event_created_at ${types.millis};
CREATE INDEX IF NOT EXISTS deliveries_ordering ON deliveries (destination_id, ordering_key, event_created_at, id)
  WHERE ordering_key IS NOT NULL AND status = 'pending';
CREATE TABLE IF NOT EXISTS replay_jobs (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  mode TEXT NOT NULL,
  since ${types.millis} NOT NULL,
  until ${types.millis} NOT NULL,
  destination_id TEXT,
  event_types TEXT NOT NULL,
  dry_run INTEGER NOT NULL,
  cursor TEXT,
  matched INTEGER NOT NULL DEFAULT 0,
  enqueued INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  lease_owner TEXT,
  lease_until ${types.millis},
  created_at ${types.millis} NOT NULL,
  updated_at ${types.millis} NOT NULL,
  finished_at ${types.millis}
);
CREATE INDEX IF NOT EXISTS replay_jobs_status ON replay_jobs (status, created_at);
`,
    // 3: sequence numbers are drawn at claim time; this finds the deliveries still without one.
    `
CREATE INDEX IF NOT EXISTS deliveries_unsequenced ON deliveries (destination_id, created_at, id)
  WHERE sequence IS NULL AND status = 'pending';
`,
    // 4: claims take each destination's oldest due deliveries, up to its lane's free slots.
    `
CREATE INDEX IF NOT EXISTS deliveries_destination_due ON deliveries (destination_id, next_attempt_at)
  WHERE status = 'pending';
`,
    // 5: PostgreSQL numbers deliveries (sequence-queries.ts) in one call instead of a transaction
    // of 4 + 2 per destination round trips. Same steps: lock the counters in id order, then each
    // destination's UPDATE runs with a fresh snapshot (PL/pgSQL, READ COMMITTED), so it sees what
    // a claimer it waited for has numbered. FOR NO KEY UPDATE, not FOR UPDATE: ingest's foreign
    // key checks take FOR KEY SHARE on the same destination rows, which FOR UPDATE would make wait
    // for (and block) every numbering. The queries are planned at each call (EXECUTE): PL/pgSQL
    // caches a generic plan after five calls, and one made while the tables were still empty kept
    // scanning every pending delivery through deliveries_destination_due.
    types.postgres ? assignSequencesFunction({ asyncCommit: false }) : 'SELECT 1',
    // 6: PostgreSQL shares each destination's rate_per_second across every relay process: the
    // token bucket's state (its GCRA "theoretical arrival time", epoch ms) lives with the
    // destination and the claim takes tokens from it (outbox-queries.ts). SQLite has one process,
    // whose own bucket is the whole story.
    types.postgres ? 'ALTER TABLE destinations ADD COLUMN rate_tat DOUBLE PRECISION' : 'SELECT 1',
    // 7: numbering commits without waiting for the disk, as SQLite's claim transaction does
    // (`durable: false` in sql-driver.ts says why that is safe). Waiting cost every claim a WAL
    // flush of its own: on PostgreSQL at 1000 events/s numbering took about 20 ms a call, most of
    // it queued behind the flushes of ingest and attempt results (measured 2026-12-05).
    types.postgres ? assignSequencesFunction({ asyncCommit: true }) : 'SELECT 1',
    // 8: the claim numbers the deliveries it takes, in the same write (sequence-queries.ts), so
    // nothing looks for unnumbered rows any more. PostgreSQL keeps assign_delivery_sequences():
    // a process of the previous version, still running during a rolling upgrade, calls it.
    'DROP INDEX IF EXISTS deliveries_unsequenced',
  ];
}

/**
 * PostgreSQL's numbering function (see migration 5). With `asyncCommit`, it sets
 * synchronous_commit off for the calling transaction only (set_config's `true`): the function
 * runs in the autocommit statement that calls it, so the setting covers that one commit.
 */
function assignSequencesFunction({ asyncCommit }: { asyncCommit: boolean }): string {
  const begin = asyncCommit ? "BEGIN\n  PERFORM set_config('synchronous_commit', 'off', true);" : 'BEGIN';
  return `
CREATE OR REPLACE FUNCTION assign_delivery_sequences() RETURNS BIGINT LANGUAGE plpgsql AS $fn$
DECLARE
  counter RECORD;
  taken BIGINT;
  total BIGINT := 0;
${begin}
  FOR counter IN EXECUTE
    'SELECT id, next_sequence FROM destinations
      WHERE id IN (SELECT DISTINCT destination_id FROM deliveries WHERE sequence IS NULL AND status = ''pending'')
      ORDER BY id FOR NO KEY UPDATE'
  LOOP
    EXECUTE
      'WITH numbered AS (
         UPDATE deliveries SET sequence = fresh.sequence
           FROM (SELECT id, $1 - 1 + row_number() OVER (ORDER BY created_at, id) AS sequence
                   FROM deliveries WHERE destination_id = $2 AND sequence IS NULL AND status = ''pending'') AS fresh
          WHERE deliveries.id = fresh.id RETURNING 1)
       SELECT count(*) FROM numbered'
      INTO taken USING counter.next_sequence, counter.id;
    IF taken > 0 THEN
      UPDATE destinations SET next_sequence = next_sequence + taken WHERE id = counter.id;
      total := total + taken;
    END IF;
  END LOOP;
  RETURN total;
END
$fn$;
`;
}
