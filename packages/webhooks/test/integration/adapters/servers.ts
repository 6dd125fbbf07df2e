import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Webhooks } from '@hookline/webhooks';
import { createFastifyPlugin } from '@hookline/webhooks/fastify';
import { createFetchHandler } from '@hookline/webhooks/fetch';
import type { ReceiverOptions } from '@hookline/webhooks/node';
import { createNodeMiddleware } from '@hookline/webhooks/node';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';

/** A running server: its base URL (127.0.0.1) and how to stop it. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

/** Starts one adapter on a real loopback server, serving `webhooks` on `/webhooks`. */
export type Start = (webhooks: Webhooks, options?: Omit<ReceiverOptions, 'path'>) => Promise<Running>;

async function listen(server: Server): Promise<Running> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const adapters: Record<string, Start> = {
  'node:http': (webhooks, options) =>
    listen(createServer(createNodeMiddleware(webhooks, { ...options, path: '/webhooks' }))),

  express: (webhooks, options) => {
    const app = express();
    app.use(createNodeMiddleware(webhooks, { ...options, path: '/webhooks' }));
    app.use(express.json());
    app.post('/other', (req, res) => {
      res.json({ parsed: req.body });
    });
    return listen(createServer(app));
  },

  fastify: async (webhooks, options) => {
    const app = Fastify();
    await app.register(createFastifyPlugin(webhooks, { ...options, path: '/webhooks' }));
    app.post('/other', async (request) => ({ parsed: request.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  },

  'fetch (hono on @hono/node-server)': async (webhooks, options) => {
    const app = new Hono();
    const handler = createFetchHandler(webhooks, options);
    app.all('/webhooks', (c) => handler(c.req.raw));
    app.all('/webhooks/', (c) => handler(c.req.raw));
    app.post('/other', async (c) => c.json({ parsed: await c.req.json() }));
    let server: Server | undefined;
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port)) as Server;
    });
    return {
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise((done) => {
          server?.closeAllConnections();
          server?.close(() => done());
        }),
    };
  },
};
