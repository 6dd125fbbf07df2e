// POST /v1/replays refuses a range that starts before the retention horizon (events older than
// retentionMs are pruned), on both databases, and accepts any range when retention is off.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('replay_retention');
const DAY = 86_400_000;

describe.each(variants)('replay ranges and retention on $name', (variant) => {
  let h: Harness;
  afterEach(() => h.stop());
  afterAll(() => variant.cleanup());

  it('refuses a range older than retention with the age and the earliest replayable time', async () => {
    h = await startHarness(variant, { config: { retentionMs: DAY } });
    const key = await h.source('platform');
    const since = h.clock.now();
    expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    h.clock.advance(2 * DAY);
    expect((await h.relay.retention.pruneOnce()).events).toBe(1); // what the replay would have missed

    const refused = await h.api('POST', '/v1/replays', { mode: 'all', since });
    const earliest = new Date(h.clock.now() - DAY).toISOString();
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'range_before_retention',
      retention_ms: DAY,
      earliest_replayable_at: earliest,
    });
    expect(refused.body.error.message).toContain('1 day');
    expect(refused.body.error.message).toContain(`The earliest replayable time is ${earliest}`);
    expect((await h.api('GET', '/v1/replays')).body.data).toHaveLength(0); // no job was created

    const accepted = await h.api('POST', '/v1/replays', { mode: 'all', since: earliest, dry_run: true });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  });

  it('accepts any range when retention is off', async () => {
    h = await startHarness(variant, { config: { retentionMs: 0 } });
    const accepted = await h.api('POST', '/v1/replays', { mode: 'failed', since: 0 });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  });
});
