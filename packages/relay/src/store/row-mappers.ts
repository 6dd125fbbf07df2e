import type { SqlRow } from './sql-driver.js';
import type {
  AttemptRow,
  DeliveryRow,
  DeliveryStatus,
  DestinationOrdering,
  DestinationRow,
  EventRow,
  IdempotencyRow,
  SourceRow,
} from './types.js';

const str = (value: unknown): string => String(value);
const optStr = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const num = (value: unknown): number => Number(value);
const optNum = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export function toSource(row: SqlRow): SourceRow {
  return {
    name: str(row.name),
    description: optStr(row.description),
    sealedKeys: str(row.sealed_keys),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export function toDestination(row: SqlRow): DestinationRow {
  return {
    id: str(row.id),
    url: str(row.url),
    description: optStr(row.description),
    eventTypes: JSON.parse(str(row.event_types)) as string[],
    enabled: num(row.enabled) === 1,
    disabledReason: optStr(row.disabled_reason),
    timeoutMs: optNum(row.timeout_ms),
    headers: JSON.parse(str(row.headers)) as Record<string, string>,
    retrySchedule: row.retry_schedule == null ? null : (JSON.parse(str(row.retry_schedule)) as number[]),
    sealedSecret: str(row.sealed_secret),
    sealedPreviousSecret: optStr(row.sealed_previous_secret),
    previousSecretExpiresAt: optNum(row.previous_secret_expires_at),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    maxInFlight: optNum(row.max_in_flight),
    ratePerSecond: optNum(row.rate_per_second),
    ordering: (optStr(row.ordering) ?? 'none') as DestinationOrdering,
    failingSince: optNum(row.failing_since),
  };
}

/** Column values for a destination, in DESTINATION_COLUMNS order. */
export const DESTINATION_COLUMNS = [
  'id',
  'url',
  'description',
  'event_types',
  'enabled',
  'disabled_reason',
  'timeout_ms',
  'headers',
  'retry_schedule',
  'sealed_secret',
  'sealed_previous_secret',
  'previous_secret_expires_at',
  'created_at',
  'updated_at',
  'max_in_flight',
  'rate_per_second',
  'ordering',
  'failing_since',
] as const;

export function destinationValues(row: DestinationRow): Record<(typeof DESTINATION_COLUMNS)[number], unknown> {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    event_types: JSON.stringify(row.eventTypes),
    enabled: row.enabled ? 1 : 0,
    disabled_reason: row.disabledReason,
    timeout_ms: row.timeoutMs,
    headers: JSON.stringify(row.headers),
    retry_schedule: row.retrySchedule === null ? null : JSON.stringify(row.retrySchedule),
    sealed_secret: row.sealedSecret,
    sealed_previous_secret: row.sealedPreviousSecret,
    previous_secret_expires_at: row.previousSecretExpiresAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    max_in_flight: row.maxInFlight ?? null,
    rate_per_second: row.ratePerSecond ?? null,
    ordering: row.ordering ?? 'none',
    failing_since: row.failingSince ?? null,
  };
}

export function toEvent(row: SqlRow): EventRow {
  const body = row.body;
  return {
    id: str(row.id),
    eventId: str(row.event_id),
    sourceName: str(row.source_name),
    type: str(row.type),
    resourceId: optStr(row.resource_id),
    createdAt: num(row.created_at),
    receivedAt: num(row.received_at),
    body: Buffer.isBuffer(body) ? body : Buffer.from(body as Uint8Array),
  };
}

export function toDelivery(row: SqlRow): DeliveryRow {
  return {
    id: str(row.id),
    eventRowId: str(row.event_row_id),
    destinationId: str(row.destination_id),
    status: str(row.status) as DeliveryStatus,
    attemptCount: num(row.attempt_count),
    nextAttemptAt: optNum(row.next_attempt_at),
    lastAttemptAt: optNum(row.last_attempt_at),
    lastStatusCode: optNum(row.last_status_code),
    lastError: optStr(row.last_error),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    deliveredAt: optNum(row.delivered_at),
    sequence: optNum(row.sequence),
    orderingKey: optStr(row.ordering_key),
    eventCreatedAt: optNum(row.event_created_at),
  };
}

export function toAttempt(row: SqlRow): AttemptRow {
  return {
    id: str(row.id),
    deliveryId: str(row.delivery_id),
    attemptNumber: num(row.attempt_number),
    manual: num(row.manual) === 1,
    startedAt: num(row.started_at),
    latencyMs: num(row.latency_ms),
    statusCode: optNum(row.status_code),
    errorClass: optStr(row.error_class),
    errorMessage: optStr(row.error_message),
    responseBody: optStr(row.response_body),
    outcome: str(row.outcome),
  };
}

export function toIdempotency(row: SqlRow): IdempotencyRow {
  return {
    key: str(row.key),
    requestHash: str(row.request_hash),
    statusCode: num(row.status_code),
    responseBody: str(row.response_body),
    createdAt: num(row.created_at),
  };
}
