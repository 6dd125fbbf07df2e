import type { Server } from 'node:http';
import { type WebhookEvent, Webhooks } from '@hookline/webhooks';
import { createTestDelivery, generateSecret } from '@hookline/webhooks/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { app as expressRouteApp } from '../express/route.js';
import { createApp as createExpressApp } from '../express/server.js';
import { createApp as createFastifyApp } from '../fastify/server.js';
import { createApp as createHonoApp } from '../hono/server.js';
import { createApp as createNodeApp } from '../node-http/server.js';
import { createFastAckApp } from '../queue/fast-ack.js';
import { createWebhooks } from '../shared/create-webhooks.js';
import { signWithSdk, unwrapWithSdk } from './sdk-signing.js';
import { listen } from './servers.js';

// Each example that can start here is started on a real loopback port and sent real signed
// requests: one from our test helper and one signed by the official SDK's standardwebhooks.

const key = generateSecret();
const savedKey = process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
beforeAll(() => {
  process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY = key;
  // The examples' handlers log; keep the test output for failures.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(() => {
  if (savedKey === undefined) delete process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
  else process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY = savedKey;
  vi.restoreAllMocks();
});

function recorded(): { webhooks: Webhooks; seen: WebhookEvent[] } {
  const webhooks = createWebhooks({ key });
  const seen: WebhookEvent[] = [];
  webhooks.onAny((event) => {
    seen.push(event);
  });
  return { webhooks, seen };
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual' });
  await response.arrayBuffer();
  return response.status;
}

const servers: Record<string, (webhooks: Webhooks) => Promise<{ url: string; close: () => Promise<void> }>> = {
  'node-http': (webhooks) => listen(createNodeApp(webhooks)),
  express: (webhooks) => listen(createExpressApp(webhooks).listen(0, '127.0.0.1') as Server),
  fastify: async (webhooks) => {
    const app = await createFastifyApp(webhooks);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
  hono: async (webhooks) => {
    const { createServer } = await import('node:http');
    const { getRequestListener } = await import('@hono/node-server');
    return listen(createServer(getRequestListener(createHonoApp(webhooks).fetch)));
  },
};

for (const [name, start] of Object.entries(servers)) {
  describe(`examples/${name}`, () => {
    let running: { url: string; close: () => Promise<void> } | undefined;
    afterEach(async () => running?.close());

    it('accepts a delivery from createTestDelivery and one signed by the official SDK; rejects a forgery', async () => {
      const { webhooks, seen } = recorded();
      running = await start(webhooks);
      const url = `${running.url}/webhooks`;

      const ours = createTestDelivery({ type: 'vault_credential.refresh_failed', key });
      expect(await post(url, ours.body, ours.headers as unknown as Record<string, string>)).toBe(204);

      const sdkEvent = createTestDelivery({ type: 'session.status_idled', key }).event;
      const body = JSON.stringify(sdkEvent);
      const headers = signWithSdk(key, sdkEvent.id, body);
      expect(await post(url, body, headers)).toBe(204);
      // The event our router handed to handlers is exactly what the SDK's unwrap returns.
      expect(seen[1]).toEqual(unwrapWithSdk(key, body, headers));

      const forged = signWithSdk(generateSecret(), 'whe_forged', body);
      expect(await post(url, body, forged)).toBe(400);
      expect(seen.map((event) => event.data.type)).toEqual(['vault_credential.refresh_failed', 'session.status_idled']);
    });
  });
}

describe('examples/express/route.ts (express.raw on one route)', () => {
  it('verifies the Buffer body express.raw() kept', async () => {
    const running = await listen(expressRouteApp.listen(0, '127.0.0.1') as Server);
    try {
      const delivery = createTestDelivery({ type: 'session.status_idled', key });
      expect(
        await post(`${running.url}/webhooks`, delivery.body, delivery.headers as unknown as Record<string, string>),
      ).toBe(204);
    } finally {
      await running.close();
    }
  });
});

describe('examples/next (App Router route handler)', () => {
  it('POST handles a Request as Next.js passes it', async () => {
    const { POST, dynamic, runtime } = await import('../next/app/api/webhooks/route.js');
    expect([runtime, dynamic]).toEqual(['nodejs', 'force-dynamic']);
    const delivery = createTestDelivery({ type: 'session.status_idled', key });
    const request = new Request('https://example.test/api/webhooks', {
      method: 'POST',
      body: delivery.body,
      headers: delivery.headers as unknown as Record<string, string>,
    });
    expect((await POST(request)).status).toBe(204);
    const forged = new Request('https://example.test/api/webhooks', {
      method: 'POST',
      body: delivery.body,
      // Well-formed, signed with another key.
      headers: signWithSdk(generateSecret(), delivery.id, delivery.body),
    });
    const response = await POST(forged);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'no_matching_signature' } });
  });
});

describe('examples/cloudflare-worker', () => {
  it('fetch(request, env) reads the key from the binding', async () => {
    const { default: worker } = await import('../cloudflare-worker/worker.js');
    const bindingKey = generateSecret();
    const delivery = createTestDelivery({ type: 'session.created', key: bindingKey });
    const request = new Request('https://worker.example.test/webhooks', {
      method: 'POST',
      body: delivery.body,
      headers: delivery.headers as unknown as Record<string, string>,
    });
    const response = await worker.fetch(request, { ANTHROPIC_WEBHOOK_SIGNING_KEY: bindingKey });
    expect(response.status).toBe(204);
  });
});

describe('examples/queue/fast-ack.ts', () => {
  it('answers 202 after enqueueing; the worker runs handlers once, even if the queue delivers twice', async () => {
    const items: WebhookEvent[] = [];
    const queue = { push: async (event: WebhookEvent) => void items.push(event), pop: async () => items.shift() };
    const { app, webhooks, work } = createFastAckApp(queue);
    const seen: string[] = [];
    webhooks.onAny((event) => {
      seen.push(event.id);
    });
    const running = await listen(app.listen(0, '127.0.0.1') as Server);
    try {
      const delivery = createTestDelivery({ type: 'session.status_idled', key });
      const headers = delivery.headers as unknown as Record<string, string>;
      expect(await post(`${running.url}/webhooks`, delivery.body, headers)).toBe(202);
      expect(await post(`${running.url}/webhooks`, delivery.body, headers)).toBe(202);
      expect(seen).toEqual([]);
      expect(items).toHaveLength(2);
      await work();
      expect(seen).toEqual([delivery.id]);
    } finally {
      await running.close();
    }
  });
});

describe('stores/memory.ts', () => {
  it('deduplicates on the synchronous in-memory store it configures', async () => {
    const { webhooks } = await import('../stores/memory.js');
    const key = generateSecret();
    const routed = new Webhooks({ key, dedupe: webhooks.dedupe }); // the example's store, a test key
    let runs = 0;
    routed.on('session.created', () => {
      runs++;
    });
    const delivery = createTestDelivery({ type: 'session.created', key });
    expect((await routed.verifyAndReceive(delivery)).status).toBe('processed');
    expect((await routed.verifyAndReceive(delivery)).status).toBe('duplicate');
    expect(runs).toBe(1);
  });
});
