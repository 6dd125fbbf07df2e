import type { WebhookEvent } from '@hookline/webhooks';
import { createNodeMiddleware } from '@hookline/webhooks/node';
import express from 'express';
import { createWebhooks } from '../shared/create-webhooks.js';

/** Your durable queue (SQS, a jobs table, BullMQ…); an array stands in for it here. */
export interface Queue {
  push(event: WebhookEvent): Promise<void>;
  pop(): Promise<WebhookEvent | undefined>;
}

/**
 * Handlers slower than the sender's timeout: answer 202 once the verified event is stored in
 * your queue, and run the handlers from the queue. receive() deduplicates (the queue may
 * deliver twice too) and throws when a handler fails, so the job can be retried.
 */
export function createFastAckApp(queue: Queue) {
  const webhooks = createWebhooks();
  const app = express();
  app.use(createNodeMiddleware(webhooks, { path: '/webhooks', enqueue: (event) => queue.push(event) }));

  async function work(): Promise<void> {
    for (let event = await queue.pop(); event; event = await queue.pop()) {
      const result = await webhooks.receive(event);
      // Another worker holds this event right now; if it fails, this copy must still run later.
      if (result.status === 'in_progress') await queue.push(event); // a real queue: with a delay
    }
  }
  return { app, webhooks, work };
}
