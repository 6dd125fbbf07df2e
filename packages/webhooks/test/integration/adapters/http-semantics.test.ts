import { MemoryDedupeStore, sign, type WebhookEvent, Webhooks } from '@hookline/webhooks';
import { createTestDelivery, generateSecret } from '@hookline/webhooks/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { postChunked, postTruncated } from './raw-requests.js';
import { adapters, type Running } from './servers.js';

// The same HTTP contract, over real loopback servers, for every adapter: the status codes and
// error bodies come from one shared core, so they must not differ between frameworks.

const key = generateSecret();
const quiet = { warn: () => undefined, error: () => undefined };

function signed(type = 'session.status_idled', options: { id?: string; body?: string } = {}) {
  const delivery = createTestDelivery({ type, key, ...(options.id ? { id: options.id } : {}) });
  return { ...delivery, headers: { ...delivery.headers } as Record<string, string> };
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

for (const [name, start] of Object.entries(adapters)) {
  describe(`HTTP semantics: ${name}`, () => {
    let server: Running | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    async function setup(options: Parameters<typeof start>[1] = {}, webhooksOptions = {}) {
      const webhooks = new Webhooks({ key, log: quiet, ...webhooksOptions });
      const runs: WebhookEvent[] = [];
      webhooks.on('session.status_idled', (event) => {
        runs.push(event);
      });
      server = await start(webhooks, options);
      return { webhooks, runs, url: `${server.url}/webhooks` };
    }

    it('204 for a verified delivery; a retry of the same event is acknowledged without running handlers', async () => {
      const { runs, url } = await setup();
      const delivery = signed();
      expect((await post(url, delivery.body, delivery.headers)).status).toBe(204);
      const retry = signed('session.status_idled', { id: delivery.id });
      expect((await post(url, retry.body, retry.headers)).status).toBe(204);
      expect(runs.map((event) => event.id)).toEqual([delivery.id]);
    });

    it('400 with { error: { code, message } } for a bad signature, missing headers, and a bad payload', async () => {
      const { runs, url } = await setup();
      const delivery = signed();
      const tampered = await post(url, delivery.body.replace('status_idled', 'status_idle_'), delivery.headers);
      expect(tampered.status).toBe(400);
      expect(tampered.json).toEqual({
        error: { code: 'no_matching_signature', message: 'No matching signature found' },
      });
      const bare = await post(url, delivery.body, { 'content-type': 'application/json' });
      expect(bare.json.error.code).toBe('missing_headers');
      const invalid = await post(url, '{"id": nope', signBody('{"id": nope', 'whe_not_json'));
      expect(invalid.status).toBe(400);
      expect(invalid.json.error.code).toBe('invalid_json');
      expect(runs).toEqual([]);
    });

    it('405 with allow: POST for other methods, 415 for a non-JSON content type', async () => {
      const { url } = await setup();
      const get = await fetch(url, { redirect: 'manual' });
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(((await get.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
      const delivery = signed();
      const text = await post(url, delivery.body, { ...delivery.headers, 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
      expect(text.json.error.code).toBe('unsupported_media_type');
      const charset = await post(url, delivery.body, {
        ...delivery.headers,
        'content-type': 'application/json; charset=utf-8',
      });
      expect(charset.status).toBe(204);
    });

    it('413 above the body limit, declared or streamed; the connection stays usable', async () => {
      const { runs, url } = await setup({ bodyLimit: 1024 });
      const delivery = signed();
      const big = await post(url, delivery.body + ' '.repeat(2048), delivery.headers);
      expect(big.status).toBe(413);
      expect(big.json.error.code).toBe('payload_too_large');
      const chunked = await postChunked(url, [delivery.body, ' '.repeat(700), ' '.repeat(700)], delivery.headers);
      expect(chunked).toBe(413);
      expect((await post(url, delivery.body, delivery.headers)).status).toBe(204);
      expect(runs).toHaveLength(1);
    });

    it('a request cut off mid-body runs no handler and claims nothing; the full retry is processed', async () => {
      const { runs, url } = await setup();
      const delivery = signed();
      await postTruncated(url, delivery.body, delivery.headers);
      expect(runs).toHaveLength(0);
      // Had the cut-off attempt claimed the event, this retry would get 409.
      expect((await post(url, delivery.body, delivery.headers)).status).toBe(204);
      expect(runs).toHaveLength(1);
    });

    it('500 when a handler throws, so the sender retries; the retry runs the handler again', async () => {
      const { webhooks, url } = await setup();
      let attempts = 0;
      webhooks.on('session.created', () => {
        attempts++;
        if (attempts === 1) throw new Error('database unavailable: secret connection string');
      });
      const delivery = signed('session.created');
      const failed = await post(url, delivery.body, delivery.headers);
      expect(failed.status).toBe(500);
      expect(failed.json.error.code).toBe('handler_failed');
      expect(JSON.stringify(failed.json)).not.toContain('secret connection string');
      expect((await post(url, delivery.body, delivery.headers)).status).toBe(204);
      expect(attempts).toBe(2);
    });

    it('never a 3xx: a trailing slash and a query string are served as they are', async () => {
      const { runs, url } = await setup();
      const a = signed();
      const b = signed();
      expect((await post(`${url}/`, a.body, a.headers)).status).toBe(204);
      expect((await post(`${url}?source=platform`, b.body, b.headers)).status).toBe(204);
      expect(runs).toHaveLength(2);
    });

    it('409 with retry-after while another delivery of the same event is being handled', async () => {
      const { webhooks, url } = await setup({}, { dedupe: new MemoryDedupeStore({ leaseSeconds: 20 }) });
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started: () => void = () => undefined;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      webhooks.on('session.created', async () => {
        started();
        await gate;
      });
      const delivery = signed('session.created');
      const first = post(url, delivery.body, delivery.headers);
      await running;
      const second = await post(url, delivery.body, delivery.headers);
      release();
      expect(second.status).toBe(409);
      expect(second.json.error.code).toBe('delivery_in_progress');
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(20);
      expect((await first).status).toBe(204);
    });

    it('202 with enqueue: the verified event is handed over and no handler runs yet', async () => {
      const queue: WebhookEvent[] = [];
      const { runs, url, webhooks } = await setup({ enqueue: (event: WebhookEvent) => queue.push(event) });
      const delivery = signed();
      expect((await post(url, delivery.body, delivery.headers)).status).toBe(202);
      expect(runs).toEqual([]);
      expect(queue.map((event) => event.id)).toEqual([delivery.id]);
      const forged = await post(url, delivery.body, { ...delivery.headers, 'webhook-signature': 'v1,AAAA' });
      expect(forged.status).toBe(400);
      expect(queue).toHaveLength(1);
      // The consumer side: receive() deduplicates and dispatches.
      await webhooks.receive(queue[0] as WebhookEvent);
      expect(runs).toHaveLength(1);
    });

    it('204 for an event type the catalogue does not know, which reaches onUnhandled', async () => {
      const { webhooks, url } = await setup();
      const unknown: string[] = [];
      webhooks.onUnhandled((event) => unknown.push(String(event.data.type)));
      const delivery = signed('session.teleported');
      expect((await post(url, delivery.body, delivery.headers)).status).toBe(204);
      expect(unknown).toEqual(['session.teleported']);
    });
  });
}

function signBody(body: string, id: string): Record<string, string> {
  return { ...(sign({ id, body, key }) as unknown as Record<string, string>), 'content-type': 'application/json' };
}

describe('framework specifics', () => {
  it('Express: a global express.json() before the middleware fails with payload_not_raw and shows the fix', async () => {
    const { default: express } = await import('express');
    const { createNodeMiddleware } = await import('@hookline/webhooks/node');
    const { createServer } = await import('node:http');
    const app = express();
    app.use(express.json());
    app.use(createNodeMiddleware(new Webhooks({ key, log: quiet }), { path: '/webhooks' }));
    const server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const delivery = signed();
      const response = await post(`http://127.0.0.1:${port}/webhooks`, delivery.body, delivery.headers);
      expect(response.status).toBe(500);
      expect(response.json.error.code).toBe('payload_not_raw');
      expect(response.json.error.message).toContain("express.raw({ type: 'application/json' })");
    } finally {
      server.close();
    }
  });

  it('Express: a route with express.raw() in front passes its Buffer body through', async () => {
    const { default: express } = await import('express');
    const { createNodeMiddleware } = await import('@hookline/webhooks/node');
    const { createServer } = await import('node:http');
    const webhooks = new Webhooks({ key, log: quiet });
    let runs = 0;
    webhooks.onAny(() => {
      runs++;
    });
    const app = express();
    app.post('/hooks', express.raw({ type: 'application/json' }), createNodeMiddleware(webhooks));
    const server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const delivery = signed();
      expect((await post(`http://127.0.0.1:${port}/hooks`, delivery.body, delivery.headers)).status).toBe(204);
      expect(runs).toBe(1);
    } finally {
      server.close();
    }
  });

  it('node:http: a req.rawBody left by a framework is used, and the stream is not read again', async () => {
    const { createNodeMiddleware } = await import('@hookline/webhooks/node');
    const { createServer } = await import('node:http');
    const webhooks = new Webhooks({ key, log: quiet });
    let runs = 0;
    webhooks.onAny(() => {
      runs++;
    });
    const middleware = createNodeMiddleware(webhooks);
    const server = createServer((req, res) => {
      // What a framework with a raw-body option does: read the stream, keep the bytes.
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void middleware(Object.assign(req, { rawBody: Buffer.concat(chunks) }), res);
      });
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const delivery = signed();
      expect((await post(`http://127.0.0.1:${port}/`, delivery.body, delivery.headers)).status).toBe(204);
      expect(runs).toBe(1);
    } finally {
      server.close();
    }
  });

  it('node:http: an empty req.body left by a parser that skipped the request (Express 4) does not hide the stream', async () => {
    const { createNodeMiddleware } = await import('@hookline/webhooks/node');
    const { createServer } = await import('node:http');
    const webhooks = new Webhooks({ key, log: quiet });
    let runs = 0;
    webhooks.onAny(() => {
      runs++;
    });
    const middleware = createNodeMiddleware(webhooks);
    const server = createServer((req, res) => {
      void middleware(Object.assign(req, { body: {} }), res);
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const delivery = signed();
      expect((await post(`http://127.0.0.1:${port}/`, delivery.body, delivery.headers)).status).toBe(204);
      expect(runs).toBe(1);
    } finally {
      server.close();
    }
  });

  for (const name of ['express', 'fastify', 'fetch (hono on @hono/node-server)']) {
    it(`${name}: the app's JSON parsing on other routes is untouched`, async () => {
      const server = await (adapters[name] as (typeof adapters)[string])(new Webhooks({ key, log: quiet }));
      try {
        const response = await post(`${server.url}/other`, '{"a":1}', { 'content-type': 'application/json' });
        expect(response.json).toEqual({ parsed: { a: 1 } });
      } finally {
        await server.close();
      }
    });
  }

  it('node:http: other paths get 404 (never a redirect)', async () => {
    const server = await (adapters['node:http'] as (typeof adapters)[string])(new Webhooks({ key, log: quiet }));
    try {
      const response = await fetch(`${server.url}/elsewhere`, { method: 'POST', redirect: 'manual' });
      expect(response.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
