// Ingress and publishing, once per database: what is accepted, what is refused with which
// status, and that a refusal stores nothing.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { sign } from '@hookline/webhooks';
import { createTestDelivery } from '@hookline/webhooks/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('ingress');

async function post(url: string, body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers,
    redirect: 'manual',
  });
  return { status: response.status, body: await response.json() };
}

describe.each(variants)('ingress on $name', (variant) => {
  let h: Harness;
  let key: string;
  const count = async () => (await h.api('GET', '/v1/events?limit=250')).body.data.length as number;

  beforeEach(async () => {
    h = await startHarness(variant);
    key = await h.source('platform');
  });
  afterEach(async () => {
    await h.stop();
  });
  afterAll(() => variant.cleanup());

  it('stores a valid delivery once and answers duplicates 200', async () => {
    const delivery = createTestDelivery({ type: 'session.status_idled', key, timestamp: h.clock.date() });
    const first = await post(`${h.relay.url}/ingest/platform`, delivery.body, delivery.headers);
    expect(first).toMatchObject({ status: 200, body: { event_id: delivery.id, duplicate: false } });
    const again = await post(`${h.relay.url}/ingest/platform`, delivery.body, delivery.headers);
    expect(again).toMatchObject({ status: 200, body: { event_id: delivery.id, duplicate: true, id: first.body.id } });
    expect(await count()).toBe(1);
    const stored = await h.api('GET', `/v1/events/${first.body.id}`);
    expect(stored.body.payload).toEqual(JSON.parse(delivery.body));
  });

  it('verifies with every key of a source, so a key rotation loses nothing', async () => {
    const next = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
    expect((await h.api('PATCH', '/v1/sources/platform', { keys: [next, key] })).status).toBe(200);
    for (const signingKey of [key, next]) {
      const delivery = createTestDelivery({ type: 'session.status_idled', key: signingKey, timestamp: h.clock.date() });
      expect((await post(`${h.relay.url}/ingest/platform`, delivery.body, delivery.headers)).status).toBe(200);
    }
    expect((await h.api('PATCH', '/v1/sources/platform', { keys: [next] })).status).toBe(200);
    const old = createTestDelivery({ type: 'session.status_idled', key, timestamp: h.clock.date() });
    expect((await post(`${h.relay.url}/ingest/platform`, old.body, old.headers)).status).toBe(400);
    expect(await count()).toBe(2);
  });

  // Ingress caches sources: each change below follows an accepted event, so a stale cache would show.
  it('takes a source deletion and re-creation into account at once', async () => {
    const url = `${h.relay.url}/ingest/platform`;
    const delivery = () => createTestDelivery({ type: 'session.status_idled', key, timestamp: h.clock.date() });
    expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    expect((await h.api('DELETE', '/v1/sources/platform')).status).toBe(204);
    const gone = delivery();
    expect(await post(url, gone.body, gone.headers)).toMatchObject({
      status: 404,
      body: { error: { code: 'unknown_source' } },
    });
    const next = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    expect((await h.api('POST', '/v1/sources', { name: 'platform', keys: [next] })).status).toBe(201);
    const old = delivery();
    expect((await post(url, old.body, old.headers)).status).toBe(400);
    expect((await h.ingest('platform', next, 'session.status_idled')).status).toBe(200);
    expect(await count()).toBe(2);
  });

  // Ingest caches parsed filters: every change below lands between two events and must count.
  it('fans an event out to the destinations and filters as they are when it arrives', async () => {
    const deliveries = async () => {
      const sent = await h.ingest('platform', key, 'session.status_idled');
      expect(sent.status).toBe(200);
      return sent.body.deliveries as number;
    };
    const url = 'http://127.0.0.1:9/x';
    const change = async (method: 'POST' | 'PATCH', path: string, body: Record<string, unknown>) =>
      expect((await h.api(method, path, { url, ...body })).status).toBeLessThan(300);
    const vault = await h.api('POST', '/v1/destinations', { url, event_types: ['vault.*'] });
    const path = `/v1/destinations/${vault.body.id}`;
    expect(await deliveries()).toBe(0);
    await change('PATCH', path, { event_types: ['session.*'] });
    expect(await deliveries()).toBe(1);
    await change('POST', '/v1/destinations', { event_types: ['session.status_idled'] });
    expect(await deliveries()).toBe(2);
    await change('PATCH', path, { event_types: ['vault.*'] });
    expect(await deliveries()).toBe(1);
    await change('PATCH', path, { event_types: ['session.*'], enabled: false });
    expect(await deliveries()).toBe(1);
  });

  it('accepts unknown event types (the platform adds types without notice)', async () => {
    const sent = await h.ingest('platform', key, 'session.something_new');
    expect(sent.status).toBe(200);
    expect((await h.api('GET', '/v1/events?type=session.something_new')).body.data).toHaveLength(1);
  });

  it('refuses forged, stale, truncated, invalid and unknown-source deliveries, storing nothing', async () => {
    const good = createTestDelivery({ type: 'session.status_idled', key, timestamp: h.clock.date() });
    const url = `${h.relay.url}/ingest/platform`;
    const forged = createTestDelivery({
      type: 'session.status_idled',
      key: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      timestamp: h.clock.date(),
    });
    expect(await post(url, forged.body, forged.headers)).toMatchObject({
      status: 400,
      body: { error: { code: 'no_matching_signature' } },
    });

    const stale = createTestDelivery({
      type: 'session.status_idled',
      key,
      timestamp: new Date(h.clock.now() - 301_000),
    });
    expect(await post(url, stale.body, stale.headers)).toMatchObject({
      status: 400,
      body: { error: { code: 'timestamp_too_old', message: 'Message timestamp too old' } },
    });

    const truncated = good.body.slice(0, good.body.length - 10);
    expect(await post(url, truncated, good.headers)).toMatchObject({
      status: 400,
      body: { error: { code: 'no_matching_signature' } },
    });

    const notJson = '{"id": "whe_1", oops';
    const signed = sign({ id: 'whe_1', timestamp: h.clock.date(), body: notJson, key });
    expect(await post(url, notJson, { ...signed, 'content-type': 'application/json' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    });

    const notEvent = JSON.stringify({ hello: 'world' });
    const signedNotEvent = sign({ id: 'whe_2', timestamp: h.clock.date(), body: notEvent, key });
    expect(await post(url, notEvent, { ...signedNotEvent })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_event' } },
    });

    const unsigned = await post(url, good.body, { 'content-type': 'application/json' });
    expect(unsigned).toMatchObject({ status: 400, body: { error: { code: 'missing_headers' } } });

    expect(await post(`${h.relay.url}/ingest/nobody`, good.body, good.headers)).toMatchObject({
      status: 404,
      body: { error: { code: 'unknown_source' } },
    });
    expect(await count()).toBe(0);

    const metrics = await (await fetch(`${h.relay.url}/metrics`)).text();
    expect(metrics).toMatch(/hookline_ingress_requests_total\{source="platform",result="no_matching_signature"\} 2/);
  });

  it('answers 413 to a 1 MiB body, from Content-Length and mid-stream, without storing it', async () => {
    const big = Buffer.alloc(1024 * 1024, 'a');
    const signed = sign({ id: 'whe_big', timestamp: h.clock.date(), body: big, key });
    expect(await post(`${h.relay.url}/ingest/platform`, big, { ...signed })).toMatchObject({
      status: 413,
      body: { error: { code: 'body_too_large', limit_bytes: 256 * 1024 } },
    });
    // Chunked: no Content-Length, so the limit trips while streaming.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${h.relay.url}/ingest/platform`,
        { method: 'POST', headers: { ...signed, 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const write = () => {
        while (sent < 16) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    }).catch(() => 413); // the relay may close the socket right after answering
    expect(status).toBe(413);
    expect(await count()).toBe(0);
  });

  it('stores nothing when the connection closes mid-body', async () => {
    const delivery = createTestDelivery({ type: 'session.status_idled', key, timestamp: h.clock.date() });
    const { port } = new URL(h.relay.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        const head = [
          'POST /ingest/platform HTTP/1.1',
          'host: 127.0.0.1',
          'content-type: application/json',
          `content-length: ${delivery.body.length}`,
          `webhook-id: ${delivery.headers['webhook-id']}`,
          `webhook-timestamp: ${delivery.headers['webhook-timestamp']}`,
          `webhook-signature: ${delivery.headers['webhook-signature']}`,
        ].join('\r\n');
        socket.write(`${head}\r\n\r\n${delivery.body.slice(0, 40)}`);
        socket.end();
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    // The relay is still healthy and stored nothing.
    expect((await fetch(`${h.relay.url}/healthz`)).status).toBe(200);
    expect(await count()).toBe(0);
  });

  it('never answers ingress with a redirect', async () => {
    const delivery = createTestDelivery({ type: 'session.status_idled', key, timestamp: h.clock.date() });
    for (const path of ['/ingest/platform/', '/ingest//platform', '/Ingest/platform', '/ingest']) {
      const response = await fetch(`${h.relay.url}${path}`, {
        method: 'POST',
        body: delivery.body,
        headers: delivery.headers,
        redirect: 'manual',
      });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
    }
    const get = await fetch(`${h.relay.url}/ingest/platform`, { redirect: 'manual' });
    expect(get.status).toBe(405);
  });

  it('answers 503 and stores nothing when the database is gone', async () => {
    const delivery = createTestDelivery({ type: 'session.status_idled', key, timestamp: h.clock.date() });
    await h.relay.store.close();
    const response = await post(`${h.relay.url}/ingest/platform`, delivery.body, delivery.headers);
    expect(response).toMatchObject({ status: 503, body: { error: { code: 'store_unavailable' } } });
    const ready = await fetch(`${h.relay.url}/readyz`);
    expect(ready.status).toBe(503);
    const admin = await h.api('GET', '/v1/destinations');
    expect(admin).toMatchObject({ status: 503, body: { error: { code: 'store_unavailable' } } });
  });

  it('requires the admin token on the admin API', async () => {
    for (const authorization of [undefined, 'Bearer wrong', 'Basic abc', `Bearer ${'x'.repeat(200)}`]) {
      const response = await fetch(`${h.relay.url}/v1/events`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    const publish = await fetch(`${h.relay.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'session.status_idled',
        data: { id: 'sesn_1', organization_id: 'org_1', workspace_id: 'w' },
      }),
    });
    expect(publish.status).toBe(401);
    expect(await count()).toBe(0);
    expect((await fetch(`${h.relay.url}/healthz`)).status).toBe(200);
  });

  it('publishes events through the same pipeline, honouring Idempotency-Key', async () => {
    const data = { id: 'sesn_011CZkZAtmR3yMPDzynEDxu7', organization_id: 'org_1', workspace_id: 'wrkspc_1' };
    const short = await h.api('POST', '/v1/events', { type: 'session.status_idled', data });
    expect(short.status).toBe(202);
    expect(short.body.event_id).toMatch(/^whe_[0-9a-f]{32}$/);
    const stored = await h.api('GET', `/v1/events/${short.body.event_id}`);
    expect(stored.body).toMatchObject({ source: 'api', type: 'session.status_idled', resource_id: data.id });
    expect(stored.body.payload).toMatchObject({
      id: short.body.event_id,
      type: 'event',
      data: { ...data, type: 'session.status_idled' },
    });

    const envelope = {
      id: 'whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      created_at: '2026-03-15T10:00:00Z',
      type: 'event',
      data: { ...data, type: 'vault.created' },
    };
    const raw = `${JSON.stringify(envelope, null, 2)}\n`;
    const full = await h.api('POST', '/v1/events', raw);
    expect(full).toMatchObject({ status: 202, body: { event_id: envelope.id, duplicate: false } });
    expect((await h.api('GET', `/v1/events/${envelope.id}`)).body.payload).toEqual(envelope);

    const body = { type: 'agent.created', data };
    const first = await h.api('POST', '/v1/events', body, { 'idempotency-key': 'k-1' });
    const second = await h.api('POST', '/v1/events', body, { 'idempotency-key': 'k-1' });
    expect(second).toEqual(first);
    const conflict = await h.api(
      'POST',
      '/v1/events',
      { ...body, type: 'agent.updated' },
      { 'idempotency-key': 'k-1' },
    );
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: 'idempotency_key_reused' } } });
    expect((await h.api('GET', '/v1/events?type=agent.created')).body.data).toHaveLength(1);

    // Concurrent requests with one key publish once; the others replay or are told to retry.
    const racing = { type: 'agent.archived', data };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.api('POST', '/v1/events', racing, { 'idempotency-key': 'k-race' })),
    );
    expect(new Set(results.filter((r) => r.status === 202).map((r) => r.body.id)).size).toBe(1);
    for (const r of results.filter((r) => r.status !== 202)) {
      expect(r).toMatchObject({ status: 409, body: { error: { code: 'idempotency_key_in_flight' } } });
    }
    expect((await h.api('GET', '/v1/events?type=agent.archived')).body.data).toHaveLength(1);

    // A refused request frees its key: the corrected retry runs.
    const refused = await h.api(
      'POST',
      '/v1/events',
      { type: 'agent.deleted', data: {} },
      { 'idempotency-key': 'k-2' },
    );
    expect(refused.status).toBe(422);
    const fixed = await h.api('POST', '/v1/events', { type: 'agent.deleted', data }, { 'idempotency-key': 'k-2' });
    expect(fixed.status).toBe(202);

    const invalid = await h.api('POST', '/v1/events', { type: 'session.status_idled', data: { id: 1 } });
    expect(invalid).toMatchObject({ status: 422, body: { error: { code: 'invalid_request', path: 'data.id' } } });
    const notJson = await h.api('POST', '/v1/events', '{nope');
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    expect(await count()).toBe(5);
  });
});

describe('the anthropic source from ANTHROPIC_WEBHOOK_SIGNING_KEY', () => {
  it('accepts deliveries at /ingest/anthropic without any API call', async () => {
    const [variant] = variants;
    if (!variant) throw new Error('no database');
    const key = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    const h = await startHarness(variant, { config: { anthropicSigningKey: key } });
    try {
      const sent = await h.ingest('anthropic', key, 'session.status_idled');
      expect(sent.status).toBe(200);
      const sources = await h.api('GET', '/v1/sources');
      expect(sources.body.data).toEqual([
        expect.objectContaining({ name: 'anthropic', managed_by: 'environment', key_count: 1 }),
      ]);
      expect(JSON.stringify(sources.body)).not.toContain(key.slice(6));
      expect((await h.api('DELETE', '/v1/sources/anthropic')).status).toBe(409);
    } finally {
      await h.stop();
    }
  });
});
