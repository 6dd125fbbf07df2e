import type { WebhookConfigError, WebhookPayloadError, WebhookVerificationError } from '../errors.js';
import type { EventOf, WebhookEvent } from '../events/types.js';
import type { EventPattern, TypesOf } from './event-pattern.js';
import type { WebhookHandlerError } from './handler-error.js';

/**
 * A handler for a type or pattern, e.g. `Handler<'session.status_idled'>` or `Handler<'vault.*'>`,
 * so handlers can live in their own files. It may be async; a throw or rejection fails the delivery.
 */
export type Handler<P extends EventPattern> = (event: EventOf<TypesOf<P>>) => unknown;

/** A handler for every event, known or not (`onAny`, `onUnhandled`). */
export type AnyEventHandler = (event: WebhookEvent) => unknown;

/** Every failure a delivery can meet. Other errors (a store that is down) are passed through as they are. */
export type ReceiveError = WebhookVerificationError | WebhookPayloadError | WebhookConfigError | WebhookHandlerError;

/** What an error handler learns besides the error: the event, when it got that far. */
export interface ErrorContext {
  event: WebhookEvent | undefined;
}

/** A handler for failures (`onError`): verification, payload, configuration, handler or store. */
export type ErrorHandler = (error: ReceiveError | Error, context: ErrorContext) => unknown;

/** How a delivery ended, when it did not throw. */
export type ReceiveResult =
  /** The handlers ran and all succeeded. */
  | { status: 'processed'; event: WebhookEvent }
  /** The event was processed already; no handler ran. */
  | { status: 'duplicate'; event: WebhookEvent }
  /** Another delivery of this event is running now; no handler ran. Ask the sender to retry. */
  | { status: 'in_progress'; event: WebhookEvent; retryAfterMs: number | undefined };

/** Where the router writes what it cannot return: failures nobody listens to, failing error handlers. */
export interface Logger {
  debug(message: string, ...meta: unknown[]): void;
  info(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}
