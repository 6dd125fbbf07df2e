import { WebhookConfigError } from '../errors.js';
import { EVENT_TYPES, isEventType } from '../events/event-types.js';
import type { EventType, TypesMatching } from '../events/types.js';

/** The part of a type before its first dot: `session`, `vault_credential`, … */
export type EventPrefix = EventType extends `${infer Prefix}.${string}` ? Prefix : never;

/** What `on` accepts: a known type, or every known type of a resource, e.g. `'session.*'`. */
export type EventPattern = EventType | `${EventPrefix}.*`;

/** The types a pattern (or a list of patterns) stands for. */
export type TypesOf<P extends EventPattern> = TypesMatching<P>;

/**
 * Expands patterns to the known types they match. A wildcard matches known types only, so a
 * handler's event type never lies; types the catalogue does not know go to `onUnhandled`.
 */
export function expandPatterns(patterns: EventPattern | readonly EventPattern[]): EventType[] {
  const list: readonly string[] = typeof patterns === 'string' ? [patterns] : patterns;
  const types = new Set<EventType>();
  for (const pattern of list) {
    if (typeof pattern === 'string' && pattern.endsWith('.*')) {
      const prefix = pattern.slice(0, -1);
      const matched = EVENT_TYPES.filter((type) => type.startsWith(prefix));
      if (matched.length === 0) throw unknownPattern(pattern);
      for (const type of matched) types.add(type);
    } else if (isEventType(pattern)) {
      types.add(pattern);
    } else {
      throw unknownPattern(pattern);
    }
  }
  return [...types];
}

function unknownPattern(pattern: unknown): WebhookConfigError {
  return new WebhookConfigError(
    'invalid_option',
    `on(${JSON.stringify(pattern)}): not a known event type or "<resource>.*" pattern. ` +
      'For types this version does not know yet, use onUnhandled() or onAny().',
  );
}
