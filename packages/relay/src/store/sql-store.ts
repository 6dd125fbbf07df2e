import { matchesEventType } from '../event-type-filter.js';
import { newId } from '../ids.js';
import { GroupCommit } from './group-commit.js';
import {
  DESTINATION_COLUMNS,
  destinationValues,
  toAttempt,
  toDelivery,
  toDestination,
  toEvent,
  toIdempotency,
  toSource,
} from './row-mappers.js';
import type { SqlDriver, SqlExecutor, SqlRow } from './sql-driver.js';
import type {
  AttemptRow,
  ClaimedDelivery,
  ClaimOptions,
  CompleteAttempt,
  DeliveryFilter,
  DeliveryRow,
  DestinationRow,
  EventFilter,
  EventRow,
  IdempotencyRow,
  IngestResult,
  NewEvent,
  Page,
  SourceRow,
  Store,
} from './types.js';

const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

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
};

/** The {@link Store} for both databases, over a {@link SqlDriver}. */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly #db: SqlDriver;

  readonly #onClose: (() => void) | undefined;

  /** `onClose` runs after the database closes (it releases the SQLite data-directory lock). */
  constructor(driver: SqlDriver, onClose?: () => void) {
    this.#db = driver;
    this.kind = driver.kind;
    this.#onClose = onClose;
    this.#groupCommit =
      driver.kind === 'sqlite'
        ? new GroupCommit(driver, (tx, event: NewEvent) => this.#ingestIn(tx, event))
        : undefined;
    this.#completions =
      driver.kind === 'sqlite'
        ? new GroupCommit(driver, (tx, input: CompleteAttempt) => this.#completeIn(tx, input))
        : undefined;
  }

  readonly #groupCommit: GroupCommit<NewEvent, IngestResult> | undefined;
  /** Attempt results, batched like ingests: the dispatcher records many per second. */
  readonly #completions: GroupCommit<CompleteAttempt, boolean> | undefined;

  migrate(): Promise<void> {
    return this.#db.migrate();
  }

  async ping(): Promise<void> {
    await this.#db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#db.close();
    this.#onClose?.();
  }

  async releaseAllLeases(): Promise<number> {
    const rows = await this.#db.query(
      'UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL RETURNING id',
    );
    return rows.length;
  }

  // Sources

  async insertSource(row: SourceRow): Promise<boolean> {
    const rows = await this.#db.query(
      'INSERT INTO sources (name, description, sealed_keys, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING name',
      [row.name, row.description, row.sealedKeys, row.createdAt, row.updatedAt],
    );
    return rows.length === 1;
  }

  async getSource(name: string): Promise<SourceRow | null> {
    const [row] = await this.#db.query('SELECT * FROM sources WHERE name = ?', [name]);
    return row ? toSource(row) : null;
  }

  async listSources(): Promise<SourceRow[]> {
    return (await this.#db.query('SELECT * FROM sources ORDER BY name')).map(toSource);
  }

  async updateSource(
    name: string,
    patch: Partial<Pick<SourceRow, 'description' | 'sealedKeys'>>,
    now: number,
  ): Promise<SourceRow | null> {
    const [row] = await this.#db.query(
      `UPDATE sources SET description = CASE WHEN CAST(? AS INTEGER) = 1 THEN ? ELSE description END,
         sealed_keys = COALESCE(?, sealed_keys), updated_at = ? WHERE name = ? RETURNING *`,
      [patch.description !== undefined ? 1 : 0, patch.description ?? null, patch.sealedKeys ?? null, now, name],
    );
    return row ? toSource(row) : null;
  }

  async deleteSource(name: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM sources WHERE name = ? RETURNING name', [name])).length === 1;
  }

  // Destinations

  async insertDestination(row: DestinationRow): Promise<void> {
    const values = destinationValues(row);
    await this.#db.query(
      `INSERT INTO destinations (${DESTINATION_COLUMNS.join(', ')}) VALUES (${placeholders(DESTINATION_COLUMNS.length)})`,
      DESTINATION_COLUMNS.map((column) => values[column]),
    );
  }

  async getDestination(id: string): Promise<DestinationRow | null> {
    const [row] = await this.#db.query('SELECT * FROM destinations WHERE id = ?', [id]);
    return row ? toDestination(row) : null;
  }

  async listDestinations(options: { after?: string | undefined; limit: number }): Promise<Page<DestinationRow>> {
    const rows = await this.#db.query('SELECT * FROM destinations WHERE id > ? ORDER BY id LIMIT ?', [
      options.after ?? '',
      options.limit + 1,
    ]);
    return page(rows.map(toDestination), options.limit);
  }

  async updateDestination(
    id: string,
    patch: Partial<Omit<DestinationRow, 'id' | 'createdAt' | 'updatedAt'>>,
    now: number,
  ): Promise<DestinationRow | null> {
    const current = await this.getDestination(id);
    if (!current) return null;
    const values = destinationValues({ ...current, ...patch, updatedAt: now });
    const columns = [
      ...Object.keys(patch)
        .filter((key) => (patch as Record<string, unknown>)[key] !== undefined)
        .map((key) => DESTINATION_PATCH_COLUMNS[key])
        .filter((column) => column !== undefined),
      'updated_at' as const,
    ];
    const [row] = await this.#db.query(
      `UPDATE destinations SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE id = ? RETURNING *`,
      [...columns.map((column) => values[column]), id],
    );
    return row ? toDestination(row) : null;
  }

  async deleteDestination(id: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM destinations WHERE id = ? RETURNING id', [id])).length === 1;
  }

  // The outbox: the event and its deliveries commit together or not at all.

  ingest(event: NewEvent): Promise<IngestResult> {
    // SQLite has one connection: batch concurrent ingests into one commit (one fsync).
    // PostgreSQL runs them in parallel transactions on its pool.
    if (this.#groupCommit) return this.#groupCommit.submit(event);
    return this.#db.transaction((tx) => this.#ingestIn(tx, event));
  }

  async #ingestIn(tx: SqlExecutor, event: NewEvent): Promise<IngestResult> {
    const inserted = await tx.query(
      `INSERT INTO events (id, event_id, source_name, type, resource_id, created_at, received_at, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_name, event_id) DO NOTHING RETURNING id`,
      [
        event.id,
        event.eventId,
        event.sourceName,
        event.type,
        event.resourceId,
        event.createdAt,
        event.receivedAt,
        event.body,
      ],
    );
    if (inserted.length === 0) {
      const [existing] = await tx.query('SELECT * FROM events WHERE source_name = ? AND event_id = ?', [
        event.sourceName,
        event.eventId,
      ]);
      return { event: toEvent(existing as SqlRow), duplicate: true, deliveries: 0 };
    }
    const destinations = (await tx.query('SELECT id, event_types FROM destinations WHERE enabled = 1')).filter((row) =>
      matchesEventType(JSON.parse(String(row.event_types)) as string[], event.type),
    );
    for (const destination of destinations) {
      await tx.query(
        `INSERT INTO deliveries (id, event_row_id, destination_id, status, attempt_count, next_attempt_at, created_at, updated_at)
           VALUES (?, ?, ?, 'pending', 0, ?, ?, ?)`,
        [
          newId('dlv', event.receivedAt),
          event.id,
          destination.id,
          event.receivedAt,
          event.receivedAt,
          event.receivedAt,
        ],
      );
    }
    return { event: { ...event }, duplicate: false, deliveries: destinations.length };
  }

  async #hydrate(tx: SqlExecutor, rows: SqlRow[]): Promise<ClaimedDelivery[]> {
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
      (
        await tx.query(
          `SELECT * FROM destinations WHERE id IN (${placeholders(destinationIds.length)})`,
          destinationIds,
        )
      )
        .map(toDestination)
        .map((d) => [d.id, d]),
    );
    return deliveries.map((delivery) => ({
      delivery,
      event: events.get(delivery.eventRowId) as EventRow,
      destination: destinations.get(delivery.destinationId) as DestinationRow,
    }));
  }

  claimDue(options: ClaimOptions): Promise<ClaimedDelivery[]> {
    const excluded = options.excludeDestinationIds ?? [];
    const exclusion = excluded.length > 0 ? `AND d.destination_id NOT IN (${placeholders(excluded.length)})` : '';
    return this.#db.transaction(async (tx) => {
      const rows = await tx.query(
        `UPDATE deliveries SET lease_owner = ?,
           lease_until = CAST(? AS BIGINT) + COALESCE((SELECT timeout_ms FROM destinations WHERE destinations.id = deliveries.destination_id), CAST(? AS BIGINT)) + CAST(? AS BIGINT)
         WHERE id IN (
           SELECT d.id FROM deliveries d JOIN destinations t ON t.id = d.destination_id
           WHERE d.status = 'pending' AND t.enabled = 1 AND d.next_attempt_at <= ?
             AND (d.lease_until IS NULL OR d.lease_until <= ?) ${exclusion}
           ORDER BY d.next_attempt_at LIMIT ? ${this.#db.lockClause}
         ) RETURNING *`,
        [
          options.owner,
          options.now,
          options.defaultTimeoutMs,
          options.leaseMarginMs,
          options.now,
          options.now,
          ...excluded,
          options.limit,
        ],
      );
      return this.#hydrate(tx, rows);
    });
  }

  claimOne(
    id: string,
    options: Omit<ClaimOptions, 'limit' | 'excludeDestinationIds'>,
  ): Promise<ClaimedDelivery | null> {
    return this.#db.transaction(async (tx) => {
      const rows = await tx.query(
        `UPDATE deliveries SET lease_owner = ?,
           lease_until = CAST(? AS BIGINT) + COALESCE((SELECT timeout_ms FROM destinations WHERE destinations.id = deliveries.destination_id), CAST(? AS BIGINT)) + CAST(? AS BIGINT)
         WHERE id = ? AND (lease_until IS NULL OR lease_until <= ? OR lease_owner = ?) RETURNING *`,
        [options.owner, options.now, options.defaultTimeoutMs, options.leaseMarginMs, id, options.now, options.owner],
      );
      const [claimed] = await this.#hydrate(tx, rows);
      return claimed ?? null;
    });
  }

  completeAttempt(input: CompleteAttempt): Promise<boolean> {
    if (this.#completions) return this.#completions.submit(input);
    return this.#db.transaction((tx) => this.#completeIn(tx, input));
  }

  async #completeIn(tx: SqlExecutor, input: CompleteAttempt): Promise<boolean> {
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

  async releaseLeases(owner: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.#db.query(
      `UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND id IN (${placeholders(deliveryIds.length)})`,
      [owner, ...deliveryIds],
    );
  }

  // The delivery log

  async getEvent(idOrEventId: string): Promise<EventRow | null> {
    const [row] = await this.#db.query('SELECT * FROM events WHERE id = ? OR event_id = ? ORDER BY id LIMIT 1', [
      idOrEventId,
      idOrEventId,
    ]);
    return row ? toEvent(row) : null;
  }

  async listEvents(filter: EventFilter): Promise<Page<EventRow>> {
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
    const rows = await this.#db.query(
      `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      [...params, filter.limit + 1],
    );
    return page(rows.map(toEvent), filter.limit);
  }

  async getDelivery(id: string): Promise<DeliveryRow | null> {
    const [row] = await this.#db.query('SELECT * FROM deliveries WHERE id = ?', [id]);
    return row ? toDelivery(row) : null;
  }

  async listDeliveries(filter: DeliveryFilter): Promise<Page<DeliveryRow>> {
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
    const rows = await this.#db.query(
      `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      [...params, filter.limit + 1],
    );
    return page(rows.map(toDelivery), filter.limit);
  }

  async listAttempts(deliveryId: string): Promise<AttemptRow[]> {
    return (await this.#db.query('SELECT * FROM attempts WHERE delivery_id = ? ORDER BY id', [deliveryId])).map(
      toAttempt,
    );
  }

  // Idempotency keys for POST /v1/events

  claimIdempotencyKey(
    claim: { key: string; requestHash: string; createdAt: number },
    limits: { expiredBefore: number; abandonedBefore: number },
  ): Promise<IdempotencyRow | null> {
    return this.#db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO idempotency_keys (key, request_hash, status_code, response_body, created_at) VALUES (?, ?, 0, '', ?)
         ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, status_code = 0, response_body = '',
           created_at = excluded.created_at
         WHERE idempotency_keys.created_at < ? OR (idempotency_keys.status_code = 0 AND idempotency_keys.created_at < ?)
         RETURNING key`,
        [claim.key, claim.requestHash, claim.createdAt, limits.expiredBefore, limits.abandonedBefore],
      );
      if (inserted.length === 1) return null;
      const [row] = await tx.query('SELECT * FROM idempotency_keys WHERE key = ?', [claim.key]);
      return toIdempotency(row as SqlRow);
    });
  }

  async completeIdempotencyKey(key: string, statusCode: number, responseBody: string): Promise<void> {
    await this.#db.query('UPDATE idempotency_keys SET status_code = ?, response_body = ? WHERE key = ?', [
      statusCode,
      responseBody,
      key,
    ]);
  }

  async releaseIdempotencyKey(key: string): Promise<void> {
    await this.#db.query('DELETE FROM idempotency_keys WHERE key = ? AND status_code = 0', [key]);
  }

  async countEvents(): Promise<number> {
    const [row] = await this.#db.query('SELECT COUNT(*) AS n FROM events');
    return Number(row?.n ?? 0);
  }
}
