// Replay jobs on both databases: the three modes and dry runs, through the API and the normal
// outbox; a job that resumes from its cursor after its process dies mid-job; cancellation.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { TestReceiver } from '../helpers/receiver.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('replay');
const BATCH = 10;
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 60 * 60 * 1000;

describe.each(variants)('replay jobs on $name', (variant) => {
  let h: Harness;
  let receiver: TestReceiver;
  let key: string;
  beforeEach(async () => {
    h = await startHarness(variant, { config: { replayBatchSize: BATCH } });
    receiver = await new TestReceiver(h.clock).start();
    key = await h.source('platform');
  });
  afterEach(async () => {
    await h.stop();
    await receiver.stop();
  });
  afterAll(() => variant.cleanup());

  /** A range start before everything the test stored, yet within retention (older is refused). */
  const recent = () => h.clock.now() - HOUR;

  async function destination(path: string, body: Record<string, unknown> = {}) {
    const created = await h.api('POST', '/v1/destinations', { url: receiver.url(path), ...body });
    expect(created.status).toBe(201);
    receiver.trust(path, 'secret', created.body.secret);
    return created.body.id as string;
  }

  async function replay(body: Record<string, unknown>) {
    const created = await h.api('POST', '/v1/replays', body);
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    expect(created.body.status).toBe('queued');
    await h.relay.replays.drain();
    return (await h.api('GET', `/v1/replays/${created.body.id}`)).body;
  }

  /**
   * Drains the outbox until nothing is pending. Between rounds the clock moves past the retry
   * delay and the circuit breaker's open period, which parks a failing destination's deliveries.
   */
  async function settle() {
    for (let round = 0; round < 50; round++) {
      await h.relay.dispatcher.drain();
      const pending = await h.api('GET', '/v1/deliveries?status=pending&limit=1');
      if (pending.body.data.length === 0) return;
      h.clock.advance(60_000);
    }
    throw new Error('deliveries still pending after 50 rounds');
  }

  const deliveriesOf = async (destinationId: string) =>
    (await h.api('GET', `/v1/deliveries?destination_id=${destinationId}&limit=250`)).body.data as {
      event_id: string;
      status: string;
      sequence: number | null;
    }[];

  it('replays failed deliveries, all events, and the events a later destination missed', async () => {
    const failing = await destination('/a', { event_types: ['vault.*'], retry: { schedule: [] } });
    receiver.behave('/a', { kind: 'status', status: 500 });
    const since = h.clock.now();
    for (let n = 0; n < 20; n++) expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    for (let n = 0; n < 10; n++) expect((await h.ingest('platform', key, 'vault.created')).status).toBe(200);
    h.clock.advance(1_000);
    const until = h.clock.now();
    h.clock.advance(1_000);
    const late = await h.ingest('platform', key, 'session.status_idled'); // outside the range
    await h.ingest('platform', key, 'vault.created'); // outside the range
    await settle();
    expect((await deliveriesOf(failing)).filter((d) => d.status === 'failed')).toHaveLength(11);

    // A destination created afterwards, subscribed to sessions only.
    const later = await destination('/b', { event_types: ['session.*'] });
    const range = { since: iso(since), until: iso(until) };

    const dry = await replay({ mode: 'missing', ...range, destination_id: later, dry_run: true });
    expect(dry).toMatchObject({ status: 'completed', dry_run: true, matched: 30, enqueued: 20, skipped: 0 });
    expect(await deliveriesOf(later)).toHaveLength(0);

    const missing = await replay({ mode: 'missing', ...range, destination_id: later });
    expect(missing).toMatchObject({ status: 'completed', matched: 30, enqueued: 20, skipped: 0 });
    await settle();
    const atB = receiver.at('/b');
    expect(atB).toHaveLength(20);
    expect(new Set(atB.map((r) => r.headers['webhook-id'])).size).toBe(20);
    expect(atB.every((r) => JSON.parse(r.body).data.type === 'session.status_idled')).toBe(true);
    expect(atB.every((r) => r.verifiedWith.includes('secret'))).toBe(true);
    expect(atB.some((r) => r.headers['webhook-id'] === late.id)).toBe(false);
    // Numbered like ingress rows: each replayed delivery has its own `hookline-sequence`.
    const sequences = (await deliveriesOf(later)).map((d) => d.sequence);
    expect(new Set(sequences).size).toBe(20);
    expect(sequences.every((n) => typeof n === 'number')).toBe(true);
    // Nothing is missing any more.
    expect(await replay({ mode: 'missing', ...range, destination_id: later })).toMatchObject({
      enqueued: 0,
      skipped: 20,
    });

    // `failed`, only vault events: the failed rows go back to pending and are delivered.
    receiver.behave('/a', { kind: 'ok' });
    const before = receiver.at('/a').length;
    const failed = await replay({ mode: 'failed', ...range, event_types: ['vault.*'] });
    expect(failed).toMatchObject({ status: 'completed', matched: 10, enqueued: 10, skipped: 0 });
    await settle();
    const again = receiver.at('/a').slice(before);
    expect(again).toHaveLength(10);
    expect(again.every((r) => JSON.parse(r.body).data.type === 'vault.created')).toBe(true);
    const rows = await deliveriesOf(failing);
    expect(rows).toHaveLength(11); // the same rows, reset; not new ones
    expect(rows.filter((d) => d.status === 'delivered')).toHaveLength(10);

    // `all` to every subscribed destination: a new row per (event, destination) not already waiting.
    const all = await replay({ mode: 'all', ...range, event_types: ['session.status_idled'] });
    expect(all).toMatchObject({ status: 'completed', matched: 20, enqueued: 20, skipped: 0 });
    await settle();
    expect(receiver.at('/b')).toHaveLength(40);
    expect(receiver.at('/a')).toHaveLength(before + 10); // `/a` does not subscribe to sessions
    expect(await deliveriesOf(later)).toHaveLength(40);

    const list = await h.api('GET', '/v1/replays?limit=2');
    expect(list.body.data).toHaveLength(2);
    expect(list.body.data[0].id).toBe(all.id);
    expect(list.body.next_cursor).toBe(list.body.data[1].id);
    const metrics = await (await fetch(`${h.relay.url}/metrics`)).text();
    expect(metrics).toContain(`hookline_replay_progress{job="${all.id}",measure="enqueued"} 20`);
  });

  it('resumes from its cursor after its process dies mid-job, enqueueing every event once', async () => {
    for (let n = 0; n < 45; n++) expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    const target = await destination('/late');
    h.clock.advance(1); // `until` defaults to now, and excludes events received at that very ms
    const created = await h.api('POST', '/v1/replays', { mode: 'missing', since: recent(), destination_id: target });
    expect(await h.relay.replays.step()).toBe(true); // claims it and runs batch 1
    expect(await h.relay.replays.step()).toBe(true); // batch 2
    expect((await h.api('GET', `/v1/replays/${created.body.id}`)).body).toMatchObject({
      status: 'running',
      matched: 20,
      enqueued: 20,
    });
    // The process dies: no graceful stop, so the job keeps its lease.
    const database = {
      dataDir: h.relay.context.config.dataDir,
      ...(h.relay.context.config.databaseUrl
        ? { databaseUrl: h.relay.context.config.databaseUrl, postgresSchema: h.relay.context.config.postgresSchema }
        : {}),
    };
    const diedAt = h.clock.now();
    h.relay.server.closeAllConnections();
    h.relay.server.close();
    await h.relay.store.close();

    h = await startHarness(variant, { database, clockStart: diedAt + 1_000, config: { replayBatchSize: BATCH } });
    if (variant.name === 'postgres') {
      // Another process may still hold it: nobody takes the job until the lease runs out.
      expect(await h.relay.replays.step()).toBe(false);
      h.clock.advance(h.relay.context.config.replayLeaseMs);
    } // SQLite: one process per data directory, so a restart frees the lease at once.
    await h.relay.replays.drain();
    const job = (await h.api('GET', `/v1/replays/${created.body.id}`)).body;
    expect(job).toMatchObject({ status: 'completed', matched: 45, enqueued: 45, skipped: 0 });
    const rows = await deliveriesOf(target);
    expect(rows).toHaveLength(45);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(45);
  });

  it('cancels a running job: it stops after the current batch; a finished job cannot be cancelled', async () => {
    for (let n = 0; n < 35; n++) expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    const target = await destination('/c');
    h.clock.advance(1);
    const created = await h.api('POST', '/v1/replays', { mode: 'missing', since: recent(), destination_id: target });
    expect(await h.relay.replays.step()).toBe(true);
    const cancelled = await h.api('POST', `/v1/replays/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', enqueued: 10 });
    expect(cancelled.body.finished_at).not.toBeNull();
    await h.relay.replays.drain();
    expect((await h.api('GET', `/v1/replays/${created.body.id}`)).body).toMatchObject({
      status: 'cancelled',
      enqueued: 10,
    });
    expect(await deliveriesOf(target)).toHaveLength(10);

    const done = await replay({ mode: 'missing', since: recent(), destination_id: target, dry_run: true });
    expect(done.status).toBe('completed');
    const refused = await h.api('POST', `/v1/replays/${done.id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('replay_finished');
    expect((await h.api('POST', '/v1/replays/rpl_none/cancel')).status).toBe(404);
    expect((await h.api('GET', '/v1/replays/rpl_none')).status).toBe(404);
  });

  it('refuses invalid requests with 422 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ since: recent() }, /mode/],
      [{ mode: 'everything', since: recent() }, /mode/],
      [{ mode: 'all' }, /since/],
      [{ mode: 'all', since: 'yesterday' }, /since/],
      [{ mode: 'all', since: recent() + 10, until: recent() + 5 }, /before/],
      [{ mode: 'all', since: recent(), event_types: ['Session'] }, /event_types/],
      [{ mode: 'all', since: recent(), destination_id: 'dst_none' }, /dst_none/],
      [{ mode: 'all', since: recent(), dry_run: 'yes' }, /dry_run/],
      [{ mode: 'all', since: recent(), extra: 1 }, /extra/],
    ];
    for (const [body, message] of cases) {
      const response = await h.api('POST', '/v1/replays', body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.error.message).toMatch(message);
    }
    expect((await h.api('GET', '/v1/replays')).body.data).toEqual([]);
  });

  it('answers as /openapi.json documents, for every replay route and status', async () => {
    type Operation = { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
    const doc = (await (await fetch(`${h.relay.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: unknown;
    };
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'relay', components: doc.components });
    const check = async (method: string, template: string, path: string, body?: unknown) => {
      const response = await h.api(method, path, body);
      const documented = doc.paths[template]?.[method.toLowerCase()]?.responses[String(response.status)];
      expect(documented, `${method} ${template} documents ${response.status}`).toBeDefined();
      const schema = JSON.stringify(documented?.content?.['application/json']?.schema ?? {});
      const validate = ajv.compile(JSON.parse(schema.replaceAll('"#/components', '"relay#/components')));
      expect(validate(response.body), `${method} ${template}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      return response;
    };
    h.clock.advance(1);
    const created = await check('POST', '/v1/replays', '/v1/replays', { mode: 'all', since: recent(), dry_run: true });
    await check('POST', '/v1/replays', '/v1/replays', { mode: 'nope', since: recent() });
    await check('GET', '/v1/replays', '/v1/replays');
    await check('GET', '/v1/replays/{id}', `/v1/replays/${created.body.id}`);
    await check('GET', '/v1/replays/{id}', '/v1/replays/rpl_none');
    await check('POST', '/v1/replays/{id}/cancel', `/v1/replays/${created.body.id}/cancel`);
    await check('POST', '/v1/replays/{id}/cancel', `/v1/replays/${created.body.id}/cancel`);
    await check('POST', '/v1/replays/{id}/cancel', '/v1/replays/rpl_none/cancel');
    await h.relay.replays.drain();
    const done = await check('POST', '/v1/replays', '/v1/replays', { mode: 'failed', since: recent(), dry_run: true });
    await h.relay.replays.drain();
    expect((await check('POST', '/v1/replays/{id}/cancel', `/v1/replays/${done.body.id}/cancel`)).status).toBe(409);
  });
});
