import { invalidPatternReason } from '../event-type-filter.js';
import { invalid } from '../http/api-error.js';
import type { DestinationOrdering, DestinationRow } from '../store/types.js';

// Headers the relay sets itself: a static header must never override the signature or framing.
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'hookline-sequence',
]);

export type DestinationPatch = Partial<
  Pick<
    DestinationRow,
    | 'url'
    | 'description'
    | 'eventTypes'
    | 'enabled'
    | 'disabledReason'
    | 'timeoutMs'
    | 'headers'
    | 'retrySchedule'
    | 'maxInFlight'
    | 'ratePerSecond'
    | 'ordering'
    | 'failingSince'
  >
>;

function maxInFlight(value: unknown): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 1000) {
    throw invalid('`max_in_flight` must be an integer from 1 to 1000, or null for the default.');
  }
  return value as number;
}

function ratePerSecond(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 100_000) {
    throw invalid(
      '`rate_per_second` must be a number above 0 and at most 100000 (fractions allowed), or null for none.',
    );
  }
  return value;
}

function ordering(value: unknown): DestinationOrdering {
  if (value !== 'none' && value !== 'per_resource') throw invalid('`ordering` must be "none" or "per_resource".');
  return value;
}

function url(value: unknown): string {
  if (typeof value !== 'string') throw invalid('`url` must be an http(s) URL string.');
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalid('`url` is not a valid URL.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid('`url` must use http or https.');
  // Credentials in a URL would be shown by every GET; use `headers` (redacted) instead.
  if (parsed.username || parsed.password) throw invalid('`url` must not contain credentials; send them in `headers`.');
  return parsed.toString();
}

function eventTypes(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 100)
    throw invalid('`event_types` must be a list (empty means every event).');
  return value.map((pattern, index) => {
    if (typeof pattern !== 'string') throw invalid(`event_types[${index}] must be a string.`);
    const reason = invalidPatternReason(pattern);
    if (reason) throw invalid(`event_types[${index}]: ${reason}.`);
    return pattern;
  });
}

function headers(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('`headers` must be an object of strings.');
  const result: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    const lower = name.toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(lower)) throw invalid(`headers: "${name}" is not a valid header name.`);
    if (RESERVED_HEADERS.has(lower)) throw invalid(`headers: "${name}" is set by the relay and cannot be overridden.`);
    if (typeof headerValue !== 'string' || /[\r\n]/.test(headerValue)) {
      throw invalid(`headers: the value of "${name}" must be a single-line string.`);
    }
    result[lower] = headerValue;
  }
  return result;
}

function timeout(value: unknown): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || (value as number) < 100 || (value as number) > 120_000) {
    throw invalid('`timeout_ms` must be an integer from 100 to 120000, or null for the default.');
  }
  return value as number;
}

function retry(value: unknown): number[] | null {
  if (value === null) return null;
  const schedule = (value as { schedule?: unknown } | undefined)?.schedule;
  if (
    !Array.isArray(schedule) ||
    schedule.length > 30 ||
    !schedule.every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0 && s <= 7 * 86400)
  ) {
    throw invalid(
      '`retry.schedule` must be a list of at most 30 delays in seconds (0 to 604800), or `retry: null` for the default.',
    );
  }
  return schedule as number[];
}

/** Validates a create or update body into a patch; unknown fields are rejected so typos don't pass silently. */
export function parseDestinationInput(input: Record<string, unknown>, creating: boolean): DestinationPatch {
  const known = new Set([
    'url',
    'description',
    'event_types',
    'enabled',
    'disabled_reason',
    'timeout_ms',
    'headers',
    'retry',
    'max_in_flight',
    'rate_per_second',
    'ordering',
  ]);
  for (const key of Object.keys(input)) if (!known.has(key)) throw invalid(`Unknown field \`${key}\`.`);
  if (creating && input.url === undefined) throw invalid('`url` is required.');
  const patch: DestinationPatch = {};
  if (input.url !== undefined) patch.url = url(input.url);
  if (input.description !== undefined) {
    if (input.description !== null && (typeof input.description !== 'string' || input.description.length > 500)) {
      throw invalid('`description` must be a string of at most 500 characters.');
    }
    patch.description = input.description as string | null;
  }
  if (input.event_types !== undefined) patch.eventTypes = eventTypes(input.event_types);
  if (input.enabled !== undefined) {
    if (typeof input.enabled !== 'boolean') throw invalid('`enabled` must be a boolean.');
    patch.enabled = input.enabled;
    // Enabling clears the reason; disabling by hand records one.
    patch.disabledReason = input.enabled
      ? null
      : typeof input.disabled_reason === 'string'
        ? input.disabled_reason
        : 'disabled through the API';
    // Re-enabling starts a fresh failure streak, or the next failure would disable it again at once.
    if (input.enabled) patch.failingSince = null;
  }
  if (input.timeout_ms !== undefined) patch.timeoutMs = timeout(input.timeout_ms);
  if (input.headers !== undefined) patch.headers = headers(input.headers);
  if (input.retry !== undefined) patch.retrySchedule = retry(input.retry);
  if (input.max_in_flight !== undefined) patch.maxInFlight = maxInFlight(input.max_in_flight);
  if (input.rate_per_second !== undefined) patch.ratePerSecond = ratePerSecond(input.rate_per_second);
  if (input.ordering !== undefined) patch.ordering = ordering(input.ordering);
  return patch;
}
