export type { EventPattern, EventPrefix, TypesOf } from './event-pattern.js';
export { WebhookHandlerError } from './handler-error.js';
export type {
  AnyEventHandler,
  ErrorContext,
  ErrorHandler,
  Handler,
  Logger,
  ReceiveError,
  ReceiveResult,
} from './handler-types.js';
export { type Delivery, Webhooks, type WebhooksOptions } from './webhooks.js';
