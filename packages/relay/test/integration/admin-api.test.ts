// The sources and destinations APIs, once per database, and the promise that secrets are
// encrypted at rest and never appear in list or get responses.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('admin_api');

/** Every text stored by the relay, to search for plaintext secrets. */
async function storedText(h: Harness): Promise<string> {
  const config = h.relay.context.config;
  const tables = ['sources', 'destinations'];
  if (config.databaseUrl) {
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      const rows = [];
      for (const t of tables) rows.push(...(await client.query(`SELECT * FROM ${config.postgresSchema}.${t}`)).rows);
      return JSON.stringify(rows);
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(config.dataDir, 'relay.db'), { readonly: true });
  try {
    return JSON.stringify(tables.flatMap((t) => db.prepare(`SELECT * FROM ${t}`).all()));
  } finally {
    db.close();
  }
}

describe.each(variants)('admin API on $name', (variant) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(variant);
  });
  afterEach(async () => {
    await h.stop();
  });
  afterAll(() => variant.cleanup());

  it('creates, lists, gets, updates and deletes sources without ever returning keys', async () => {
    const key = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const created = await h.api('POST', '/v1/sources', { name: 'platform', keys: [key], description: 'prod' });
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'platform', key_count: 1, ingest_path: '/ingest/platform' },
    });
    expect((await h.api('POST', '/v1/sources', { name: 'platform', keys: [key] })).status).toBe(409);
    expect((await h.api('POST', '/v1/sources', { name: 'Bad Name', keys: [key] })).status).toBe(422);
    expect((await h.api('POST', '/v1/sources', { name: 'api', keys: [key] })).status).toBe(422);
    const badKey = await h.api('POST', '/v1/sources', { name: 'other', keys: ['whsec_!!!not-base64'] });
    expect(badKey.status).toBe(422);
    expect(JSON.stringify(badKey.body)).not.toContain('not-base64');

    const second = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;
    const updated = await h.api('PATCH', '/v1/sources/platform', { keys: [second, key] });
    expect(updated).toMatchObject({ status: 200, body: { key_count: 2, description: 'prod' } });
    const listed = await h.api('GET', '/v1/sources');
    expect(listed.body.data).toEqual([expect.objectContaining({ name: 'platform', key_count: 2 })]);
    const all = JSON.stringify([
      created.body,
      updated.body,
      listed.body,
      (await h.api('GET', '/v1/sources/platform')).body,
    ]);
    for (const k of [key, second]) expect(all).not.toContain(k.slice(6));
    for (const k of [key, second]) expect(await storedText(h)).not.toContain(k.slice(6));

    expect((await h.api('DELETE', '/v1/sources/platform')).status).toBe(204);
    expect((await h.api('GET', '/v1/sources/platform')).status).toBe(404);
    expect((await h.api('DELETE', '/v1/sources/platform')).status).toBe(404);
  });

  it('creates destinations, returns the secret only at creation and rotation, and stores it encrypted', async () => {
    const created = await h.api('POST', '/v1/destinations', {
      url: 'http://127.0.0.1:9/hook',
      description: 'billing',
      event_types: ['session.*', 'vault.created'],
      timeout_ms: 5000,
      headers: { Authorization: 'Bearer downstream-token' },
      retry: { schedule: [1, 10, 100] },
    });
    expect(created.status).toBe(201);
    const { secret, id } = created.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(created.body).toMatchObject({
      enabled: true,
      disabled_reason: null,
      event_types: ['session.*', 'vault.created'],
      headers: { authorization: '[redacted]' },
      retry: { schedule: [1, 10, 100] },
    });
    const rotated = await h.api('POST', `/v1/destinations/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const responses = JSON.stringify([
      (await h.api('GET', `/v1/destinations/${id}`)).body,
      (await h.api('GET', '/v1/destinations')).body,
      (await h.api('PATCH', `/v1/destinations/${id}`, { description: 'x' })).body,
    ]);
    for (const text of [secret, rotated.body.secret, 'downstream-token']) expect(responses).not.toContain(text);
    const stored = await storedText(h);
    for (const text of [secret.slice(6), rotated.body.secret.slice(6), 'downstream-token'])
      expect(stored).not.toContain(text);
  });

  it('validates destination input with specific messages', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /url.*required/],
      [{ url: 'ftp://x' }, /http or https/],
      [{ url: 'https://user:pw@example.test/' }, /credentials/],
      [{ url: 'http://127.0.0.1/', event_types: ['Session Idle'] }, /event_types\[0\]/],
      [{ url: 'http://127.0.0.1/', headers: { 'webhook-signature': 'x' } }, /set by the relay/],
      [{ url: 'http://127.0.0.1/', timeout_ms: 5 }, /timeout_ms/],
      [{ url: 'http://127.0.0.1/', retry: { schedule: [-1] } }, /retry.schedule/],
      [{ url: 'http://127.0.0.1/', colour: 'blue' }, /Unknown field `colour`/],
    ];
    for (const [body, message] of cases) {
      const response = await h.api('POST', '/v1/destinations', body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.error.message).toMatch(message);
    }
  });

  it('pages through destinations with a cursor, updates and deletes them', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await h.api('POST', '/v1/destinations', { url: `http://127.0.0.1:9/${i}` })).body.id);
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await h.api('GET', `/v1/destinations?limit=2${after ? `&after=${after}` : ''}`);
      seen.push(...page.body.data.map((d: { id: string }) => d.id));
      if (!page.body.next_cursor) break;
      after = page.body.next_cursor;
    }
    expect(seen).toEqual(ids);
    expect((await h.api('GET', '/v1/destinations?limit=0')).status).toBe(422);

    const disabled = await h.api('PATCH', `/v1/destinations/${ids[0]}`, { enabled: false });
    expect(disabled.body).toMatchObject({ enabled: false, disabled_reason: 'disabled through the API' });
    const enabled = await h.api('PATCH', `/v1/destinations/${ids[0]}`, { enabled: true, event_types: ['agent.*'] });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null, event_types: ['agent.*'] });
    expect((await h.api('DELETE', `/v1/destinations/${ids[0]}`)).status).toBe(204);
    expect((await h.api('GET', `/v1/destinations/${ids[0]}`)).status).toBe(404);
    expect((await h.api('PATCH', '/v1/destinations/dst_none', { description: 'x' })).status).toBe(404);
  });

  it('lists and filters events and deliveries', async () => {
    const key = await h.source('platform');
    const dest = (await h.api('POST', '/v1/destinations', { url: 'http://127.0.0.1:9/x', event_types: ['session.*'] }))
      .body;
    const a = await h.ingest('platform', key, 'session.status_idled', { id: 'sesn_A' });
    h.clock.advance(60_000);
    const since = new Date(h.clock.now()).toISOString();
    await h.ingest('platform', key, 'vault.created', { id: 'vlt_B' });
    await h.ingest('platform', key, 'session.status_run_started', { id: 'sesn_A' });

    const byResource = await h.api('GET', '/v1/events?resource_id=sesn_A');
    expect(byResource.body.data.map((e: { type: string }) => e.type)).toEqual([
      'session.status_run_started',
      'session.status_idled',
    ]);
    expect((await h.api('GET', '/v1/events?type=vault.created')).body.data).toHaveLength(1);
    expect((await h.api('GET', `/v1/events?since=${since}`)).body.data).toHaveLength(2);
    expect((await h.api('GET', '/v1/events?since=yesterday')).status).toBe(422);

    const deliveries = await h.api('GET', `/v1/deliveries?destination_id=${dest.id}&status=pending`);
    expect(deliveries.body.data).toHaveLength(2);
    const ofEvent = await h.api('GET', `/v1/deliveries?event_id=${a.id}`);
    expect(ofEvent.body.data).toHaveLength(1);
    expect((await h.api('GET', '/v1/deliveries?status=lost')).status).toBe(422);
    expect((await h.api('GET', '/v1/events/whe_unknown')).status).toBe(404);
  });
});
