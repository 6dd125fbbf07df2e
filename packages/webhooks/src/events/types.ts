import type { EVENT_CATALOGUE } from './catalogue.js';

type Catalogue = typeof EVENT_CATALOGUE;

/** Every `data.type` in the catalogue. */
export type EventType = keyof Catalogue;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ExtraFields<T extends EventType> = Catalogue[T] extends { readonly extra: infer X }
  ? { -readonly [K in keyof X]: string }
  : unknown;

type WorkspaceField<T extends EventType> = Catalogue[T] extends { readonly workspace: false }
  ? unknown
  : { workspace_id: string };

/** The `data` of one event type, e.g. `EventDataOf<'vault_credential.created'>`. Distributes over unions. */
export type EventDataOf<T extends EventType> = T extends EventType
  ? Simplify<{ id: string; organization_id: string; type: T } & WorkspaceField<T> & ExtraFields<T>>
  : never;

/** The `data` of any known event: a union discriminated by `type`. */
export type WebhookEventData = { [T in EventType]: EventDataOf<T> }[EventType];

declare const unknownEventType: unique symbol;

/**
 * The `data.type` of an event the catalogue does not know yet. It is a string at runtime; it is
 * typed apart from `string` so that `if (event.data.type === 'session.created')` still narrows
 * the known arms. Use `String(event.data.type)` to read it.
 */
export type UnknownEventType = String & { readonly [unknownEventType]: true };

/** The `data` of an event type this version of the catalogue does not know. Every field is kept. */
export interface UnknownEventData {
  type: UnknownEventType;
  id: string;
  organization_id: string;
  workspace_id?: string;
  [field: string]: unknown;
}

interface Envelope<D> {
  /** Unique per event (not per delivery); equal to the `webhook-id` header. The idempotency key. */
  id: string;
  /** RFC 3339 time of the state change (the `webhook-timestamp` header is the attempt time). */
  created_at: string;
  data: D;
  /** Always `"event"`. */
  type: 'event';
}

/** An event of one known type, e.g. `EventOf<'session.status_idled'>`. Distributes over unions. */
export type EventOf<T extends EventType> = T extends EventType ? Envelope<EventDataOf<T>> : never;

/** An event whose type is in the catalogue (the official SDK's `BetaWebhookEvent`). */
export interface KnownWebhookEvent extends Envelope<WebhookEventData> {}

/** An event whose type the catalogue does not know yet; see {@link isKnownEvent}. */
export interface UnknownWebhookEvent extends Envelope<UnknownEventData> {}

/**
 * What `unwrap` returns: a known event, or an unknown one with every field kept. Comparing
 * `event.data.type` narrows `event.data`; `isKnownEvent(event)` narrows the whole event either way.
 */
export type WebhookEvent = KnownWebhookEvent | UnknownWebhookEvent;

/** The types matching a pattern such as `'session.*'`. */
export type TypesMatching<P extends string> = P extends `${infer Prefix}.*`
  ? Extract<EventType, `${Prefix}.${string}`>
  : Extract<EventType, P>;
