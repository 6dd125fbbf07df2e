import { createServer, type Server } from 'node:http';
import type { Webhooks } from '@hookline/webhooks';
import { createNodeMiddleware } from '@hookline/webhooks/node';
import { createWebhooks } from '../shared/create-webhooks.js';
import { isMain } from '../shared/is-main.js';

/** A plain node:http server: deliveries on POST /webhooks, 404 elsewhere. */
export function createApp(webhooks: Webhooks = createWebhooks()): Server {
  return createServer(createNodeMiddleware(webhooks, { path: '/webhooks' }));
}

if (isMain(import.meta)) createApp().listen(3000, () => console.info('listening on :3000/webhooks'));
