import type { WebhookEvent } from '../events/types.js';

/** Default largest accepted body: 1 MiB. Platform events are well under a kilobyte. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Options every HTTP adapter accepts. */
export interface ReceiverOptions {
  /**
   * The path to answer on, e.g. `'/webhooks'` (a trailing slash is accepted too, never
   * redirected). Default: every path, for when the framework routes to the handler.
   */
  path?: string;
  /** The largest body accepted, in bytes (default 1 MiB); larger requests get 413 unread. */
  bodyLimit?: number;
  /**
   * Fast acknowledgement: when set, a verified delivery is handed to this function and answered
   * 202 as soon as it resolves, without running handlers. It must store the event durably (your
   * queue); the consumer then calls `webhooks.receive(event)`, which deduplicates and dispatches.
   */
  enqueue?: (event: WebhookEvent) => unknown;
}
