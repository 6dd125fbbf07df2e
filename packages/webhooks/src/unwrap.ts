import { WebhookConfigError, WebhookVerificationError } from './errors.js';
import type { KnownWebhookEvent, WebhookEvent } from './events/types.js';
import type { UnknownEventsPolicy } from './events/validate.js';
import { parseBody } from './parse.js';
import type { WebhookBody } from './signature/body.js';
import type { HeadersInput } from './signature/headers.js';
import type { KeyInput } from './signature/keys.js';
import type { Clock } from './signature/timestamp.js';
import { checkSignatures, checkSignaturesAsync } from './signature/verify.js';
import { prepareVerification } from './signature/verify-core.js';

/** Options of `unwrap`: the official SDK's `{ headers, key }`, plus a few more. */
export interface UnwrapOptions {
  /** The request headers: `Headers`, Node's `IncomingHttpHeaders`, a record or `[name, value][]`. */
  headers: HeadersInput;
  /** One key or several (rotation); default `ANTHROPIC_WEBHOOK_SIGNING_KEY`. */
  key?: KeyInput;
  /** Accepted clock skew in seconds, both directions (default 300); `false` turns the check off. */
  tolerance?: number | false;
  /** The receiver's clock: a `Date` or epoch milliseconds (default: now). */
  now?: Clock;
  /** `'accept'` (default) returns unknown types as `UnknownWebhookEvent`; `'reject'` throws. */
  unknownEvents?: UnknownEventsPolicy;
}

function prepare(body: WebhookBody, options: UnwrapOptions | undefined) {
  const { headers, key, tolerance, now } = options ?? ({} as Partial<UnwrapOptions>);
  // The SDK's own messages for these two misuses, so code and tests written against it keep working.
  if (headers === undefined || headers === null) {
    throw new WebhookVerificationError(
      'missing_headers',
      'Webhook headers are required in order to verify the signature',
      {
        missing: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
        reason: 'no headers were passed to unwrap',
      },
    );
  }
  if (key === '' || key === null) {
    throw new WebhookConfigError('missing_key', 'Webhook key must not be null or empty in order to unwrap');
  }
  return prepareVerification(body, { headers, key, tolerance, now });
}

/**
 * Verifies, parses and validates a delivery in one synchronous call: a drop-in for the official
 * SDK's `client.beta.webhooks.unwrap(body, { headers, key })`. Unlike it, a missing key throws
 * `WebhookConfigError` instead of skipping verification.
 */
export function unwrap(body: WebhookBody, options: UnwrapOptions & { unknownEvents: 'reject' }): KnownWebhookEvent;
export function unwrap(body: WebhookBody, options: UnwrapOptions): WebhookEvent;
export function unwrap(body: WebhookBody, options: UnwrapOptions): WebhookEvent {
  const prepared = prepare(body, options);
  checkSignatures(prepared);
  return parseBody(prepared.content.body, options.unknownEvents);
}

/** {@link unwrap} on WebCrypto, for runtimes without `node:crypto`. Same checks, same errors. */
export async function unwrapAsync(
  body: WebhookBody,
  options: UnwrapOptions & { unknownEvents: 'reject' },
): Promise<KnownWebhookEvent>;
export async function unwrapAsync(body: WebhookBody, options: UnwrapOptions): Promise<WebhookEvent>;
export async function unwrapAsync(body: WebhookBody, options: UnwrapOptions): Promise<WebhookEvent> {
  const prepared = prepare(body, options);
  await checkSignaturesAsync(prepared);
  return parseBody(prepared.content.body, options.unknownEvents);
}
