import { matchesEventType } from '../event-type-filter.js';

/**
 * The source the relay's own operational events are stored under (`destination.disabled`,
 * `delivery.exhausted`, `destination.recovered`). Reserved: no user source may take the name.
 */
export const OPERATIONAL_SOURCE = 'hookline';

/** The relay's own event types, as destinations subscribe to them. */
export const OPERATIONAL_EVENT_TYPES = ['destination.disabled', 'delivery.exhausted', 'destination.recovered'] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

/**
 * Who receives an operational event: only destinations that name it (exactly or with a
 * `destination.*` / `delivery.*` wildcard). A catch-all destination (no filter, or `*`) is a
 * platform consumer, so it never starts receiving the relay's own events unasked.
 */
export function wantsOperationalEvent(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => pattern !== '*' && matchesEventType([pattern], type));
}
