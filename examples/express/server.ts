import type { Webhooks } from '@hookline/webhooks';
import { createNodeMiddleware } from '@hookline/webhooks/node';
import express, { type Express } from 'express';
import { createWebhooks } from '../shared/create-webhooks.js';
import { isMain } from '../shared/is-main.js';

/** Express: mount the middleware BEFORE express.json(), which would consume and re-shape the body. */
export function createApp(webhooks: Webhooks = createWebhooks()): Express {
  const app = express();
  app.use(createNodeMiddleware(webhooks, { path: '/webhooks' }));
  app.use(express.json()); // the rest of the app keeps its JSON parsing
  app.post('/api/echo', (req, res) => {
    res.json(req.body);
  });
  return app;
}

if (isMain(import.meta)) createApp().listen(3000, () => console.info('listening on :3000/webhooks'));
