import type { JsonSchema } from './route.js';

// Schemas for the OpenAPI document. Kept next to the routes' shapes (api/present.ts); the
// OpenAPI test validates real responses against them, so a drift fails CI.

const nullable = (type: string): JsonSchema => ({ type: [type, 'null'] });
const time = { type: 'string', format: 'date-time' };
const nullableTime = { type: ['string', 'null'], format: 'date-time' };

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const listOf = (name: string): JsonSchema => ({
  type: 'object',
  required: ['data', 'next_cursor'],
  properties: { data: { type: 'array', items: ref(name) }, next_cursor: nullable('string') },
});

export const SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  Source: {
    type: 'object',
    required: ['name', 'key_count', 'managed_by', 'ingest_path'],
    properties: {
      name: { type: 'string' },
      description: nullable('string'),
      key_count: { type: 'integer' },
      managed_by: { enum: ['api', 'environment'] },
      ingest_path: { type: 'string' },
      created_at: time,
      updated_at: time,
    },
  },
  Destination: {
    type: 'object',
    required: ['id', 'url', 'event_types', 'enabled', 'disabled_reason', 'timeout_ms', 'headers', 'retry'],
    properties: {
      id: { type: 'string' },
      url: { type: 'string' },
      description: nullable('string'),
      event_types: { type: 'array', items: { type: 'string' } },
      enabled: { type: 'boolean' },
      disabled_reason: nullable('string'),
      timeout_ms: nullable('integer'),
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      retry: {
        type: ['object', 'null'],
        properties: { schedule: { type: 'array', items: { type: 'number' } } },
      },
      max_in_flight: nullable('integer'),
      rate_per_second: nullable('number'),
      ordering: { enum: ['none', 'per_resource'] },
      failing_since: nullableTime,
      warnings: {
        type: 'array',
        items: { type: 'string' },
        description: 'Create and update only: why the SSRF guard will refuse this URL (it is saved anyway)',
      },
      previous_secret_expires_at: nullableTime,
      created_at: time,
      updated_at: time,
    },
  },
  DestinationWithSecret: {
    allOf: [ref('Destination'), { type: 'object', required: ['secret'], properties: { secret: { type: 'string' } } }],
  },
  DestinationInput: {
    type: 'object',
    properties: {
      url: { type: 'string', format: 'uri' },
      description: nullable('string'),
      event_types: { type: 'array', items: { type: 'string' } },
      enabled: { type: 'boolean' },
      disabled_reason: nullable('string'),
      timeout_ms: nullable('integer'),
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      retry: { type: ['object', 'null'], properties: { schedule: { type: 'array', items: { type: 'number' } } } },
      max_in_flight: { type: ['integer', 'null'], minimum: 1, maximum: 1000 },
      rate_per_second: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: 100000 },
      ordering: { enum: ['none', 'per_resource'] },
    },
  },
  SecretRotation: {
    type: 'object',
    required: ['secret', 'previous_secret_expires_at'],
    properties: { secret: { type: 'string' }, previous_secret_expires_at: nullableTime },
  },
  Event: {
    type: 'object',
    required: ['id', 'event_id', 'source', 'type', 'created_at', 'received_at', 'payload'],
    properties: {
      id: { type: 'string' },
      event_id: { type: 'string' },
      source: { type: 'string' },
      type: { type: 'string' },
      resource_id: nullable('string'),
      created_at: time,
      received_at: time,
      payload: {},
    },
  },
  EventWithDeliveries: {
    allOf: [
      ref('Event'),
      {
        type: 'object',
        required: ['deliveries'],
        properties: { deliveries: { type: 'array', items: ref('Delivery') } },
      },
    ],
  },
  Delivery: {
    type: 'object',
    required: ['id', 'event_id', 'destination_id', 'status', 'attempt_count'],
    properties: {
      id: { type: 'string' },
      event_id: { type: 'string' },
      destination_id: { type: 'string' },
      status: { enum: ['pending', 'delivered', 'failed'] },
      attempt_count: { type: 'integer' },
      next_attempt_at: nullableTime,
      last_attempt_at: nullableTime,
      last_status_code: nullable('integer'),
      last_error: nullable('string'),
      created_at: time,
      updated_at: time,
      delivered_at: nullableTime,
      sequence: nullable('integer'),
      ordering_key: nullable('string'),
    },
  },
  Attempt: {
    type: 'object',
    required: ['id', 'delivery_id', 'attempt_number', 'manual', 'started_at', 'latency_ms', 'outcome'],
    properties: {
      id: { type: 'string' },
      delivery_id: { type: 'string' },
      attempt_number: { type: 'integer' },
      manual: { type: 'boolean' },
      started_at: time,
      latency_ms: { type: 'integer' },
      status_code: nullable('integer'),
      error_class: nullable('string'),
      error_message: nullable('string'),
      response_body: nullable('string'),
      outcome: { enum: ['delivered', 'retry', 'failed', 'disabled'] },
    },
  },
  Replay: {
    type: 'object',
    required: ['id', 'status', 'mode', 'since', 'until', 'dry_run', 'matched', 'enqueued', 'skipped'],
    properties: {
      id: { type: 'string' },
      status: { enum: ['queued', 'running', 'completed', 'cancelled', 'failed'] },
      mode: { enum: ['failed', 'all', 'missing'] },
      since: time,
      until: time,
      destination_id: nullable('string'),
      event_types: { type: 'array', items: { type: 'string' } },
      dry_run: { type: 'boolean' },
      matched: { type: 'integer', description: 'Events in the range whose type matches' },
      enqueued: { type: 'integer', description: 'Deliveries created or put back to pending (dry run: would be)' },
      skipped: { type: 'integer', description: '(event, destination) pairs left alone' },
      error: nullable('string'),
      created_at: time,
      updated_at: time,
      finished_at: nullableTime,
    },
  },
  ReplayInput: {
    type: 'object',
    required: ['mode', 'since'],
    properties: {
      mode: { enum: ['failed', 'all', 'missing'] },
      since: { type: ['string', 'integer'], description: 'RFC 3339 time or epoch ms; events received at or after' },
      until: {
        type: ['string', 'integer'],
        description: 'RFC 3339 time or epoch ms; events received before (default: now)',
      },
      destination_id: { type: 'string' },
      event_types: { type: 'array', items: { type: 'string' } },
      dry_run: { type: 'boolean' },
    },
  },
  IngestAccepted: {
    type: 'object',
    required: ['id', 'event_id', 'duplicate'],
    properties: {
      id: { type: 'string' },
      event_id: { type: 'string' },
      duplicate: { type: 'boolean' },
      deliveries: { type: 'integer' },
    },
  },
};

export const errorResponse = (description: string) => ({ description, schema: ref('Error') });
