import type { WebhookEvent } from '@hookline/webhooks';
import { ApiError } from '../http/api-error.js';
import { newId } from '../ids.js';
import type { RelayContext } from '../relay-context.js';
import type { IngestResult } from '../store/types.js';

/**
 * Commits a validated event and its deliveries (one transaction), then wakes the dispatcher.
 * Ingress and `POST /v1/events` share it, so both give the same guarantee: the caller hears
 * "accepted" only after the commit. A database failure becomes 503 so the sender retries.
 */
export async function acceptEvent(
  relay: RelayContext,
  input: { sourceName: string; event: WebhookEvent; body: Buffer },
): Promise<IngestResult> {
  const { event } = input;
  const now = relay.clock.now();
  const created = Date.parse(event.created_at);
  const data = event.data as { id?: unknown; type: string; session_thread_id?: unknown };
  let result: IngestResult;
  try {
    result = await relay.store.ingest({
      id: newId('evt', now),
      eventId: event.id,
      sourceName: input.sourceName,
      type: data.type,
      resourceId: typeof data.id === 'string' ? data.id : null,
      threadId: typeof data.session_thread_id === 'string' ? data.session_thread_id : null,
      createdAt: Number.isNaN(created) ? now : created,
      receivedAt: now,
      body: input.body,
    });
  } catch (error) {
    relay.logger.error({ err: error, event_id: event.id, source: input.sourceName }, 'storing an event failed');
    throw new ApiError(503, 'store_unavailable', 'The event could not be stored; nothing was accepted. Retry later.');
  }
  if (!result.duplicate && result.deliveries > 0) relay.dispatcher.wake();
  return result;
}

export const acceptedBody = (result: IngestResult) => ({
  id: result.event.id,
  event_id: result.event.eventId,
  duplicate: result.duplicate,
  deliveries: result.deliveries,
});
