import { utf8DecodeStrict } from './encoding/utf8.js';
import { WebhookPayloadError } from './errors.js';
import type { KnownWebhookEvent, WebhookEvent } from './events/types.js';
import { type UnknownEventsPolicy, validateEvent } from './events/validate.js';
import { rawBody, type WebhookBody } from './signature/body.js';

/** Options of {@link parseUnverified}. */
export interface ParseOptions {
  /** `'accept'` (default) keeps types the catalogue does not know; `'reject'` throws for them. */
  unknownEvents?: UnknownEventsPolicy;
}

/** Decodes, parses and validates a body already checked (or deliberately not checked). */
export function parseBody(body: string | Uint8Array, unknownEvents: UnknownEventsPolicy = 'accept'): WebhookEvent {
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    try {
      text = utf8DecodeStrict(body);
    } catch (cause) {
      throw new WebhookPayloadError('invalid_utf8', 'payload: expected UTF-8 JSON, got invalid UTF-8 bytes', { cause });
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new WebhookPayloadError('invalid_json', `payload: expected JSON, got a parse error (${reason})`, { cause });
  }
  return validateEvent(value, { unknownEvents });
}

/**
 * Parses and validates an event WITHOUT checking its signature. Use it only where the
 * delivery was verified elsewhere (a relay, a queue you trust); the name says so on purpose.
 */
export function parseUnverified(body: WebhookBody, options: { unknownEvents: 'reject' }): KnownWebhookEvent;
export function parseUnverified(body: WebhookBody, options?: ParseOptions): WebhookEvent;
export function parseUnverified(body: WebhookBody, options: ParseOptions = {}): WebhookEvent {
  return parseBody(rawBody(body), options.unknownEvents);
}
