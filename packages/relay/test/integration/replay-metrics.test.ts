// hookline_replay_progress is read from the database at scrape time, so every process reports
// every job: on PostgreSQL an `api` process that never runs a job shows the progress a `worker`
// process made; on SQLite the one process shows it. Unfinished jobs always appear, finished ones
// for an hour, at most 50 jobs per scrape.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { sample, scrapeMetrics } from '../helpers/metrics-text.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('replay_metrics');
const HOUR = 60 * 60_000;

const progress = (text: string, job: string, measure: string) =>
  sample(text, 'hookline_replay_progress', `{job="${job}",measure="${measure}"}`);
const jobsIn = (text: string) =>
  new Set([...text.matchAll(/^hookline_replay_progress\{job="([^"]+)"/gm)].map((m) => m[1]));

describe.each(variants)('hookline_replay_progress on $name', (variant) => {
  // On PostgreSQL the job runs in a worker process and `api` is another relay on the same
  // database; SQLite allows one process per data directory, so there both are the same relay.
  let worker: Harness;
  let api: Harness;
  let key: string;

  beforeEach(async () => {
    const database = variant.fresh();
    const clockStart = Date.now();
    if (variant.name === 'postgres') {
      worker = await startHarness(variant, { database, clockStart, config: { role: 'worker', replayBatchSize: 2 } });
      api = await startHarness(variant, { database, clockStart, config: { role: 'api' } });
    } else {
      worker = api = await startHarness(variant, { database, clockStart, config: { replayBatchSize: 2 } });
    }
    key = await api.source('platform');
  });
  afterEach(async () => {
    await api.stop();
    if (worker !== api) await worker.stop();
  });
  afterAll(() => variant.cleanup());

  const advance = (ms: number) => {
    api.clock.advance(ms);
    if (worker !== api) worker.clock.advance(ms);
  };

  async function startReplay(since: number): Promise<string> {
    const created = await api.api('POST', '/v1/replays', { mode: 'all', since, dry_run: true });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    return created.body.id as string;
  }

  it('shows a job run by one process in every process, while it runs and for an hour after', async () => {
    const since = api.clock.now();
    for (let i = 0; i < 5; i++) expect((await api.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    // Created after the events, so each (event, destination) pair is one the job would enqueue.
    const created = await api.api('POST', '/v1/destinations', { url: 'http://127.0.0.1:9/never-called' });
    expect(created.status).toBe(201);
    advance(1_000);
    const job = await startReplay(since);

    let text = await scrapeMetrics(api.relay.url);
    expect(progress(text, job, 'matched')).toBe(0); // queued: shown before any worker took it

    expect(await worker.relay.replays.step()).toBe(true); // claims it, runs one batch of 2 events
    text = await scrapeMetrics(api.relay.url);
    expect(progress(text, job, 'matched')).toBe(2);

    await worker.relay.replays.drain();
    for (const relay of new Set([api, worker])) {
      text = await scrapeMetrics(relay.relay.url);
      expect(progress(text, job, 'matched')).toBe(5);
      expect(progress(text, job, 'enqueued')).toBe(5);
      expect(progress(text, job, 'skipped')).toBe(0);
    }

    advance(HOUR - 1_000);
    expect(progress(await scrapeMetrics(api.relay.url), job, 'matched')).toBe(5);
    advance(2_000);
    text = await scrapeMetrics(api.relay.url);
    expect(jobsIn(text).has(job)).toBe(false); // finished over an hour ago: its series are gone
    expect(sample(text, 'hookline_state_scrape_up')).toBe(1);
  });

  it('always shows unfinished jobs, oldest first, and at most 50 jobs', async () => {
    const finished = await startReplay(api.clock.now() - 60_000);
    await worker.relay.replays.drain();
    const oldest = await startReplay(api.clock.now() - 60_000);
    advance(2 * HOUR); // an unfinished job stays however old it is; the finished one went
    const queued = [oldest];
    for (let i = 0; i < 50; i++) queued.push(await startReplay(api.clock.now() - 60_000));

    const shown = jobsIn(await scrapeMetrics(api.relay.url));
    expect(shown.size).toBe(50);
    expect(shown.has(oldest)).toBe(true);
    expect(shown.has(finished)).toBe(false);
    expect(shown.has(queued.at(-1) as string)).toBe(false); // the newest unfinished job is the 51st
  });
});
