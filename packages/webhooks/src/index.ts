// @hookline/webhooks: receive Claude Managed Agents webhooks. No runtime dependencies; the same
// build runs on Node, Bun, Deno, Workers and browsers (node:crypto is used only where present).

export {
  type ClaimResult,
  claimToken,
  DEDUPE_DEFAULTS,
  type DedupeStore,
  type DedupeTimingOptions,
  dedupeTiming,
  MemoryDedupeStore,
  type MemoryDedupeStoreOptions,
  type SyncDedupeStore,
} from './dedupe/index.js';
export {
  type ConfigErrorCode,
  type PayloadErrorCode,
  type VerificationErrorCode,
  type VerificationErrorDetails,
  WebhookConfigError,
  WebhookError,
  type WebhookErrorCode,
  WebhookPayloadError,
  WebhookVerificationError,
} from './errors.js';
export { EVENT_CATALOGUE, type EventDefinition, RESOURCES, type ResourceKind } from './events/catalogue.js';
export { EVENT_TYPES, eventDefinition, isEventType, isKnownEvent } from './events/event-types.js';
export { WEBHOOK_EVENT_JSON_SCHEMA } from './events/json-schema.js';
export * from './events/sdk-names.generated.js';
export {
  knownWebhookEventSchema,
  type StandardSchemaResult,
  type StandardSchemaV1,
  webhookEventSchema,
} from './events/standard-schema.js';
export type {
  EventDataOf,
  EventOf,
  EventType,
  KnownWebhookEvent,
  TypesMatching,
  UnknownEventData,
  UnknownEventType,
  UnknownWebhookEvent,
  WebhookEvent,
  WebhookEventData,
} from './events/types.js';
export { type UnknownEventsPolicy, type ValidateOptions, validateEvent } from './events/validate.js';
export { type ParseOptions, parseUnverified } from './parse.js';
export {
  type AnyEventHandler,
  type Delivery,
  type ErrorContext,
  type ErrorHandler,
  type EventPattern,
  type EventPrefix,
  type Handler,
  type Logger,
  type ReceiveError,
  type ReceiveResult,
  type TypesOf,
  WebhookHandlerError,
  Webhooks,
  type WebhooksOptions,
} from './router/index.js';
export type { WebhookBody } from './signature/body.js';
export type { HeadersInput } from './signature/headers.js';
export { type KeyInput, SIGNING_KEY_ENV } from './signature/keys.js';
export { type SignedHeaders, type SignOptions, sign, signAsync } from './signature/sign.js';
export { type Clock, DEFAULT_TOLERANCE_SECONDS } from './signature/timestamp.js';
export { verify, verifyAsync } from './signature/verify.js';
export type { VerifiedDelivery, VerifyOptions } from './signature/verify-core.js';
export { type UnwrapOptions, unwrap, unwrapAsync } from './unwrap.js';
