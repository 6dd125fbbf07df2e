import { EVENT_CATALOGUE, type EventDefinition } from './catalogue.js';
import type { EventType, KnownWebhookEvent, WebhookEvent } from './types.js';

/** Every `data.type` in the catalogue, in catalogue order. */
export const EVENT_TYPES = Object.freeze(Object.keys(EVENT_CATALOGUE)) as readonly EventType[];

// A Map, not the object: lookups are faster and names like "constructor" cannot match.
const definitions: ReadonlyMap<string, EventDefinition> = new Map(Object.entries(EVENT_CATALOGUE));

/** The catalogue row of a type, or `undefined` when the type is not known. */
export function eventDefinition(type: string): EventDefinition | undefined {
  return definitions.get(type);
}

/** Whether `type` is a `data.type` in the catalogue. */
export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && definitions.has(type);
}

/** Narrows an event to the known union; `false` for types the catalogue does not know yet. */
export function isKnownEvent(event: WebhookEvent): event is KnownWebhookEvent {
  return isEventType(event.data.type);
}
