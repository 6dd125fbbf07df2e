import { serve } from '@hono/node-server';
import type { Webhooks } from '@hookline/webhooks';
import { createFetchHandler } from '@hookline/webhooks/fetch';
import { Hono } from 'hono';
import { createWebhooks } from '../shared/create-webhooks.js';
import { isMain } from '../shared/is-main.js';

/** Hono (any runtime): hand the untouched Request to the fetch handler; never call c.req.json() first. */
export function createApp(webhooks: Webhooks = createWebhooks()): Hono {
  const handler = createFetchHandler(webhooks);
  const app = new Hono();
  app.all('/webhooks', (c) => handler(c.req.raw));
  app.all('/webhooks/', (c) => handler(c.req.raw)); // never redirect a trailing slash
  return app;
}

if (isMain(import.meta)) serve({ fetch: createApp().fetch, port: 3000 });
