// Retention on both databases: expired events, payloads and attempts are pruned in small
// batches, an event with a pending delivery is kept, and `hookline relay prune [--dry-run]`
// reports (and does) the same against a running relay's database.
import { runRelayCommand } from '@hookline/relay';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { TestReceiver } from '../helpers/receiver.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('retention');
const DAY = 86_400_000;
const RETENTION = 10 * DAY;

describe.each(variants)('retention on $name', (variant) => {
  let h: Harness;
  let receiver: TestReceiver;
  let database: ReturnType<typeof variant.fresh>;
  beforeEach(async () => {
    database = variant.fresh();
    // The relay's clock starts 11 days ago, so what it stores first is past retention by the wall
    // clock that `hookline relay prune` uses.
    h = await startHarness(variant, {
      database,
      clockStart: Date.now() - 11 * DAY,
      config: { retentionMs: RETENTION, retentionBatchSize: 7 },
    });
    receiver = await new TestReceiver(h.clock).start();
  });
  afterEach(async () => {
    await h.stop();
    await receiver.stop();
  });
  afterAll(() => variant.cleanup());

  /** `hookline relay prune …` against the harness's database, as the CLI would run it. */
  async function prune(...args: string[]) {
    const lines: string[] = [];
    const env = {
      HOOKLINE_DATA_DIR: database.dataDir,
      HOOKLINE_DATABASE_URL: database.databaseUrl ?? '',
      HOOKLINE_POSTGRES_SCHEMA: database.postgresSchema ?? '',
      HOOKLINE_RETENTION_MS: String(RETENTION),
    };
    const code = await runRelayCommand(['prune', ...args], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      env,
    });
    return { code, text: lines.join('\n') };
  }

  const count = (text: string, label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(text)?.[1]);
  const events = async () =>
    (await h.api('GET', '/v1/events?limit=250')).body.data as { id: string; event_id: string; type: string }[];

  it('prunes expired events, payloads and attempts in batches, keeping events with pending deliveries', async () => {
    const key = await h.source('platform');
    const all = await h.api('POST', '/v1/destinations', { url: receiver.url('/all') });
    const parked = await h.api('POST', '/v1/destinations', { url: receiver.url('/parked'), event_types: ['vault.*'] });
    for (let n = 0; n < 20; n++) expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    for (let n = 0; n < 3; n++) expect((await h.ingest('platform', key, 'vault.created')).status).toBe(200);
    // A disabled destination's deliveries stay pending: those three events must survive.
    await h.api('PATCH', `/v1/destinations/${parked.body.id}`, { enabled: false });
    await h.relay.dispatcher.drain();
    expect(receiver.at('/all')).toHaveLength(23);
    // A replay job that finished 11 days ago goes too.
    h.clock.advance(1);
    expect(
      (await h.api('POST', '/v1/replays', { mode: 'all', since: h.clock.now() - 1000, dry_run: true })).status,
    ).toBe(202);
    await h.relay.replays.drain();

    // A day ago: an event published with an Idempotency-Key. The event stays (1 day < 10), but
    // the key is past its 12 h TTL and answers nothing any more.
    h.clock.advance(10 * DAY);
    const published = await h.api(
      'POST',
      '/v1/events',
      { type: 'vault.created', data: { id: 'vlt_1', organization_id: 'o', workspace_id: 'w' } },
      { 'idempotency-key': 'deploy-1' },
    );
    expect(published.status).toBe(202);
    h.clock.advance(DAY); // now the wall clock again
    for (let n = 0; n < 5; n++) expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    await h.relay.dispatcher.drain();
    expect(await events()).toHaveLength(29);

    const dry = await prune('--dry-run');
    expect(dry.code, dry.text).toBe(0);
    expect(dry.text).toMatch(/^Dry run: would delete, older than 10 days/);
    expect(count(dry.text, 'events \\(with their payloads\\)')).toBe(20);
    expect(count(dry.text, 'deliveries')).toBe(20);
    // The 20 expired events' attempts, plus the old attempts of the 3 kept vault events.
    expect(count(dry.text, 'attempts')).toBe(23);
    expect(count(dry.text, 'finished replay jobs')).toBe(1);
    expect(count(dry.text, 'expired idempotency keys')).toBe(1);
    expect(dry.text).toMatch(/kept because a delivery is still pending: 3 events/);
    expect(await events()).toHaveLength(29); // a dry run deletes nothing

    const pruned = await h.relay.retention.pruneOnce(); // batches of 7
    expect(pruned).toEqual({ events: 20, deliveries: 20, attempts: 23, replayJobs: 1, idempotencyKeys: 1 });
    const left = await events();
    expect(left).toHaveLength(9);
    expect(left.filter((e) => e.type === 'vault.created')).toHaveLength(4);
    expect((await h.api('GET', '/v1/replays')).body.data).toEqual([]);
    const kept = (await h.api('GET', `/v1/deliveries?destination_id=${all.body.id}&limit=250`)).body.data as {
      id: string;
      event_id: string;
    }[];
    expect(kept).toHaveLength(9);
    const old = left.filter((e) => e.type === 'vault.created' && e.id !== published.body.id).map((e) => e.id);
    for (const delivery of kept.filter((d) => old.includes(d.event_id))) {
      expect((await h.api('GET', `/v1/deliveries/${delivery.id}/attempts`)).body.data).toEqual([]);
    }
    expect(await h.relay.retention.pruneOnce()).toEqual({
      events: 0,
      deliveries: 0,
      attempts: 0,
      replayJobs: 0,
      idempotencyKeys: 0,
    });

    // Once the parked deliveries are made, `prune` (no --dry-run) removes the rest, once, and exits.
    await h.api('PATCH', `/v1/destinations/${parked.body.id}`, { enabled: true });
    await h.relay.dispatcher.drain();
    expect(receiver.at('/parked')).toHaveLength(3);
    const real = await prune();
    expect(real.code, real.text).toBe(0);
    expect(real.text).toMatch(/^Deleted, older than 10 days/);
    expect(count(real.text, 'events \\(with their payloads\\)')).toBe(3);
    expect(count(real.text, 'deliveries')).toBe(6);
    expect(count(real.text, 'attempts')).toBe(3);
    expect(await events()).toHaveLength(6);
  });

  it('keeps everything when retention is off, and refuses --dry-run outside prune', async () => {
    const lines: string[] = [];
    const off = await runRelayCommand(['prune', '--dry-run'], {
      out: (l) => lines.push(l),
      env: { HOOKLINE_DATA_DIR: database.dataDir, HOOKLINE_RETENTION_MS: '0' },
    });
    expect(off).toBe(0);
    expect(lines.join('\n')).toMatch(/Retention is off/);
    const misuse: string[] = [];
    expect(await runRelayCommand(['serve', '--dry-run'], { err: (l) => misuse.push(l), env: {} })).toBe(2);
    expect(misuse.join('\n')).toMatch(/Unknown option '--dry-run'/);
    const wrong: string[] = [];
    const missing = await runRelayCommand(['prune', '--data-dir', `${database.dataDir}/typo`], {
      err: (l) => wrong.push(l),
      env: {},
    });
    expect(missing).toBe(1);
    expect(wrong.join('\n')).toMatch(/no relay database in .*typo/);
  });
});
