import { EVENT_CATALOGUE, type EventDefinition } from './catalogue.js';
import type { EventType, KnownWebhookEvent, WebhookEvent } from './types.js';

/** Every `data.type` in the catalogue, in catalogue order. */
export const EVENT_TYPES = Object.freeze(Object.keys(EVENT_CATALOGUE)) as readonly EventType[];

const catalogue: Readonly<Record<string, EventDefinition>> = EVENT_CATALOGUE;

/** The catalogue row of a type, or `undefined` when the type is not known. */
export function eventDefinition(type: string): EventDefinition | undefined {
  return Object.hasOwn(catalogue, type) ? catalogue[type] : undefined;
}

/** Whether `type` is a `data.type` in the catalogue. */
export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && Object.hasOwn(catalogue, type);
}

/** Narrows an event to the known union; `false` for types the catalogue does not know yet. */
export function isKnownEvent(event: WebhookEvent): event is KnownWebhookEvent {
  return isEventType(event.data.type);
}
