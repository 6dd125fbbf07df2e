import type { WebhookEvent } from '../events/types.js';

/**
 * One or more handlers of a delivery threw. `errors` holds every failure (all handlers run to
 * the end, concurrently); `event` is the event they were handling. HTTP adapters answer 500 so
 * the sender retries.
 */
export class WebhookHandlerError extends AggregateError {
  override readonly name = 'WebhookHandlerError';
  /** Stable, machine-readable reason, like the other errors of this package. */
  readonly code = 'handler_failed' as const;
  /** The event whose handlers failed. */
  readonly event: WebhookEvent;

  constructor(event: WebhookEvent, errors: unknown[]) {
    const first = errors[0] instanceof Error ? errors[0].message : String(errors[0]);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(errors, `${errors.length} handler(s) failed for ${String(event.data.type)} ${event.id}: ${first}${more}`);
    this.event = event;
  }
}
