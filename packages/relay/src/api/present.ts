import type { AttemptRow, DeliveryRow, DestinationRow, EventRow, SourceRow } from '../store/types.js';

// API representations: snake_case, ISO times, and never a secret (signing secrets and source
// keys are only ever returned by the calls that create them).

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function presentSource(row: SourceRow, keyCount: number, managedBy: 'api' | 'environment' = 'api') {
  return {
    name: row.name,
    description: row.description,
    key_count: keyCount,
    managed_by: managedBy,
    ingest_path: `/ingest/${row.name}`,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export function presentDestination(row: DestinationRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    event_types: row.eventTypes,
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    timeout_ms: row.timeoutMs,
    // Static header values often carry credentials: show the names only.
    headers: Object.fromEntries(Object.keys(row.headers).map((name) => [name, '[redacted]'])),
    retry: row.retrySchedule === null ? null : { schedule: row.retrySchedule },
    max_in_flight: row.maxInFlight ?? null,
    rate_per_second: row.ratePerSecond ?? null,
    ordering: row.ordering ?? 'none',
    failing_since: iso(row.failingSince ?? null),
    previous_secret_expires_at: iso(row.previousSecretExpiresAt),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

function parsePayload(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

export function presentEvent(row: EventRow) {
  return {
    id: row.id,
    event_id: row.eventId,
    source: row.sourceName,
    type: row.type,
    resource_id: row.resourceId,
    created_at: iso(row.createdAt),
    received_at: iso(row.receivedAt),
    payload: parsePayload(row.body),
  };
}

export function presentDelivery(row: DeliveryRow) {
  return {
    id: row.id,
    event_id: row.eventRowId,
    destination_id: row.destinationId,
    status: row.status,
    attempt_count: row.attemptCount,
    next_attempt_at: iso(row.nextAttemptAt),
    last_attempt_at: iso(row.lastAttemptAt),
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    delivered_at: iso(row.deliveredAt),
    sequence: row.sequence ?? null,
    ordering_key: row.orderingKey ?? null,
  };
}

export function presentAttempt(row: AttemptRow) {
  return {
    id: row.id,
    delivery_id: row.deliveryId,
    attempt_number: row.attemptNumber,
    manual: row.manual,
    started_at: iso(row.startedAt),
    latency_ms: row.latencyMs,
    status_code: row.statusCode,
    error_class: row.errorClass,
    error_message: row.errorMessage,
    response_body: row.responseBody,
    outcome: row.outcome,
  };
}
