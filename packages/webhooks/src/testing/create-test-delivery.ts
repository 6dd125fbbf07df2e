import type { EventDefinition } from '../events/catalogue.js';
import { eventDefinition } from '../events/event-types.js';
import type { EventOf, EventType } from '../events/types.js';
import type { KeyInput } from '../signature/keys.js';
import { type SignedHeaders, sign } from '../signature/sign.js';
import { eventId, resourceId } from './ids.js';

/** Options of {@link createTestDelivery}. */
export interface TestDeliveryOptions<T extends string> {
  /** The `data.type`; any string, so unknown types can be tested too. */
  type: T;
  /** The key(s) to sign with (`whsec_…` or `whsk_…`). */
  key: KeyInput;
  /** Fields to set or override in `data`. */
  data?: Record<string, unknown>;
  /** The event id (default: a fresh `whe_…`). */
  id?: string;
  /** The attempt time for `webhook-timestamp`: a `Date` or Unix seconds (default: now). */
  timestamp?: Date | number;
  /** `created_at` (default: the attempt time). */
  createdAt?: Date | string;
}

/** A signed delivery: the exact body to send and its headers. */
export interface TestDelivery<T extends string> {
  id: string;
  body: string;
  headers: SignedHeaders & { 'content-type': 'application/json' };
  event: T extends EventType
    ? EventOf<T>
    : { id: string; created_at: string; type: 'event'; data: Record<string, unknown> };
}

/** The `data` a real event of this type would carry, with fresh realistic ids. */
export function sampleData(type: string): Record<string, unknown> {
  const definition: EventDefinition = eventDefinition(type) ?? { resource: 'session', summary: '' };
  const data: Record<string, unknown> = {
    id: resourceId(definition.resource),
    organization_id: resourceId('organization'),
  };
  for (const [field, resource] of Object.entries(definition.extra ?? {})) data[field] = resourceId(resource);
  data.type = type;
  if (definition.workspace !== false) data.workspace_id = resourceId('workspace');
  return data;
}

/** Builds and signs a realistic delivery of any event type, for tests and local tools. */
export function createTestDelivery<T extends string>(options: TestDeliveryOptions<T>): TestDelivery<T> {
  const id = options.id ?? eventId();
  const attempt = options.timestamp ?? new Date();
  const created = options.createdAt ?? (typeof attempt === 'number' ? new Date(attempt * 1000) : attempt);
  const event = {
    id,
    created_at: typeof created === 'string' ? created : created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    data: { ...sampleData(options.type), ...options.data },
    type: 'event',
  };
  const body = JSON.stringify(event);
  const headers = sign({ id, timestamp: attempt, body, key: options.key });
  return {
    id,
    body,
    headers: { ...headers, 'content-type': 'application/json' },
    event: event as TestDelivery<T>['event'],
  };
}
