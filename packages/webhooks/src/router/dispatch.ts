import type { WebhookEvent } from '../events/types.js';
import { WebhookHandlerError } from './handler-error.js';
import type { AnyEventHandler } from './handler-types.js';

/**
 * Runs every handler concurrently and waits for all of them; one failure does not cancel the
 * others (they may have side effects half done). Failures are reported together.
 */
export async function dispatch(event: WebhookEvent, handlers: readonly AnyEventHandler[]): Promise<void> {
  if (handlers.length === 0) return;
  if (handlers.length === 1) {
    // The common case, without allSettled's extra promises; same error shape.
    try {
      await (handlers[0] as AnyEventHandler)(event);
    } catch (error) {
      throw new WebhookHandlerError(event, [error]);
    }
    return;
  }
  // A synchronous throw must become a rejection too, hence the async wrapper around each call.
  const results = await Promise.allSettled(handlers.map(async (handler) => handler(event)));
  const errors: unknown[] = [];
  for (const result of results) if (result.status === 'rejected') errors.push(result.reason);
  if (errors.length > 0) throw new WebhookHandlerError(event, errors);
}
