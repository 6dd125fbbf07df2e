import type { Webhooks } from '@hookline/webhooks';
import { createFastifyPlugin } from '@hookline/webhooks/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { createWebhooks } from '../shared/create-webhooks.js';
import { isMain } from '../shared/is-main.js';

/** Fastify: the plugin brings its own raw-body parser, scoped to its route by encapsulation. */
export async function createApp(webhooks: Webhooks = createWebhooks()): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(createFastifyPlugin(webhooks, { path: '/webhooks' }));
  app.post('/api/echo', async (request) => request.body); // still parsed by Fastify's JSON parser
  return app;
}

if (isMain(import.meta)) {
  const app = await createApp();
  await app.listen({ port: 3000 });
}
