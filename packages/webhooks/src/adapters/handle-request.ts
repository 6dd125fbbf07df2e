import { WebhookConfigError, WebhookPayloadError, WebhookVerificationError } from '../errors.js';
import { WebhookHandlerError } from '../router/handler-error.js';
import { receiveNow } from '../router/receive-now.js';
import type { Webhooks } from '../router/webhooks.js';
import type { WebhookBody } from '../signature/body.js';
import type { HeadersInput } from '../signature/headers.js';
import { emptyResponse, errorResponse, type HttpResponse } from './http-response.js';
import { PayloadTooLargeError } from './payload-too-large.js';
import { DEFAULT_BODY_LIMIT, type ReceiverOptions } from './receiver-options.js';
import { declaredLength, isJsonContentType, matchesPath } from './request-checks.js';

/** What an adapter supplies about a request: the octokit model of a few injected callbacks. */
export interface RequestSource {
  method: string | undefined;
  /** The path and query as the client sent them. */
  url: string | undefined;
  headers: HeadersInput;
  /** One header's value, by lowercase name. */
  getHeader(name: string): string | undefined;
  /** The raw body; must throw {@link PayloadTooLargeError} past `limit` bytes without buffering the rest. */
  readBody(limit: number): Promise<WebhookBody>;
}

/**
 * The one HTTP core every adapter shares: status codes, limits and error bodies live here only.
 * Returns `undefined` when the request is not for the webhook path (the adapter falls through).
 */
export async function handleRequest(
  webhooks: Webhooks,
  request: RequestSource,
  options: ReceiverOptions = {},
): Promise<HttpResponse | undefined> {
  if (!matchesPath(request.url, options.path)) return undefined;
  if (request.method !== 'POST') {
    return errorResponse(405, 'method_not_allowed', 'Webhook deliveries must use POST.', { allow: 'POST' });
  }
  const contentType = request.getHeader('content-type');
  if (!isJsonContentType(contentType)) {
    return errorResponse(
      415,
      'unsupported_media_type',
      `Expected content-type application/json, got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : 'none'}.`,
    );
  }
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const length = declaredLength(request.getHeader('content-length'));
  if (length !== undefined && length > limit) return tooLarge(limit);
  try {
    const body = await request.readBody(limit);
    const delivery = { body, headers: request.headers };
    if (options.enqueue) {
      const event = await webhooks.verify(delivery);
      await options.enqueue(event);
      return emptyResponse(202);
    }
    // Without a promise hop when the router could answer at once (in-memory dedupe, sync handlers).
    const now = webhooks[receiveNow](delivery);
    const result = now instanceof Promise ? await now : now;
    if (result.status !== 'in_progress') return emptyResponse(204);
    // 409, not 503: nothing is down, this event is simply being handled right now. Any non-2xx
    // makes the platform retry; retry-after tells senders that honour it when the lease ends.
    const seconds = Math.max(1, Math.ceil((result.retryAfterMs ?? 1000) / 1000));
    return errorResponse(409, 'delivery_in_progress', 'This event is being processed by another delivery.', {
      'retry-after': String(seconds),
    });
  } catch (error) {
    return responseForError(error, limit);
  }
}

function tooLarge(limit: number): HttpResponse {
  return errorResponse(413, 'payload_too_large', `The body exceeds the limit of ${limit} bytes.`);
}

/** Maps a failure to its status: 400 for a bad delivery, 500 for our side so the sender retries. */
export function responseForError(error: unknown, limit: number): HttpResponse {
  if (error instanceof PayloadTooLargeError) return tooLarge(limit);
  if (error instanceof WebhookVerificationError || error instanceof WebhookPayloadError) {
    return errorResponse(400, error.code, error.message);
  }
  // Misconfiguration (no key, a parsed body): 500 so deliveries are retried once it is fixed.
  if (error instanceof WebhookConfigError) return errorResponse(500, error.code, error.message);
  // Handler messages may hold internal details; they go to onError and the log, not the sender.
  if (error instanceof WebhookHandlerError) {
    return errorResponse(500, error.code, 'A webhook handler failed; the delivery should be retried.');
  }
  return errorResponse(500, 'internal_error', 'The delivery could not be processed; it should be retried.');
}
