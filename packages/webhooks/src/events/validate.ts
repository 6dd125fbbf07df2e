import { WebhookPayloadError } from '../errors.js';
import { eventDefinition } from './event-types.js';
import type { KnownWebhookEvent, WebhookEvent } from './types.js';

/** What to do with a `data.type` the catalogue does not know: keep it (default) or reject it. */
export type UnknownEventsPolicy = 'accept' | 'reject';

/** One problem found in a payload. */
export interface PayloadIssue {
  path: string;
  expected: string;
  received: string;
  code: 'invalid_event' | 'unknown_event_type';
}

// Matches RFC 3339 date-times (the platform sends `2026-03-15T10:00:00Z`).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Describes a value for an error message without dumping large or sensitive content. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'undefined';
  return `the ${typeof value} ${String(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function issue(path: string, expected: string, value: unknown): PayloadIssue {
  return { path, expected, received: describeValue(value), code: 'invalid_event' };
}

function checkString(record: Record<string, unknown>, field: string, prefix: string): PayloadIssue | undefined {
  const value = record[field];
  return typeof value === 'string' ? undefined : issue(`${prefix}${field}`, 'a string', value);
}

/**
 * Finds the first problem in a parsed payload, or `undefined` when it is a valid event.
 * Unknown extra fields are allowed everywhere: the platform adds fields without notice.
 */
export function findPayloadIssue(value: unknown, unknownEvents: UnknownEventsPolicy): PayloadIssue | undefined {
  if (!isRecord(value)) return issue('', 'an event object', value);
  if (value.type !== 'event') return issue('type', 'the string "event"', value.type);
  const envelopeIssue = checkString(value, 'id', '');
  if (envelopeIssue) return envelopeIssue;
  const createdAt = value.created_at;
  if (typeof createdAt !== 'string' || !RFC3339.test(createdAt)) {
    return issue('created_at', 'an RFC 3339 date-time string', createdAt);
  }
  const data = value.data;
  if (!isRecord(data)) return issue('data', 'an object', data);
  if (typeof data.type !== 'string') return issue('data.type', 'a string', data.type);
  const definition = eventDefinition(data.type);
  if (definition === undefined && unknownEvents === 'reject') {
    return { ...issue('data.type', 'a known event type', data.type), code: 'unknown_event_type' };
  }
  const baseIssue = checkString(data, 'id', 'data.') ?? checkString(data, 'organization_id', 'data.');
  if (baseIssue) return baseIssue;
  // workspace_id is required except on organization-level and unknown types; where present it is a string.
  const workspaceRequired = definition !== undefined && definition.workspace !== false;
  if ((workspaceRequired || data.workspace_id !== undefined) && typeof data.workspace_id !== 'string') {
    return issue('data.workspace_id', 'a string', data.workspace_id);
  }
  if (definition?.extra) {
    for (const field in definition.extra) {
      const extraIssue = checkString(data, field, 'data.');
      if (extraIssue) return extraIssue;
    }
  }
  return undefined;
}

/** Turns an issue into the error `unwrap` throws. */
export function payloadIssueError(found: PayloadIssue): WebhookPayloadError {
  const where = found.path === '' ? 'payload' : found.path;
  return new WebhookPayloadError(found.code, `${where}: expected ${found.expected}, got ${found.received}`, {
    path: found.path,
    expected: found.expected,
    received: found.received,
  });
}

/** Options of {@link validateEvent}. */
export interface ValidateOptions {
  /** `'accept'` (default) keeps types the catalogue does not know; `'reject'` throws for them. */
  unknownEvents?: UnknownEventsPolicy;
}

/** Checks that a parsed payload is an event; throws `WebhookPayloadError` with the path otherwise. */
export function validateEvent(value: unknown, options: { unknownEvents: 'reject' }): KnownWebhookEvent;
export function validateEvent(value: unknown, options?: ValidateOptions): WebhookEvent;
export function validateEvent(value: unknown, options: ValidateOptions = {}): WebhookEvent {
  const found = findPayloadIssue(value, options.unknownEvents ?? 'accept');
  if (found) throw payloadIssueError(found);
  return value as WebhookEvent;
}
