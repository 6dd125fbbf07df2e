import { describe, expect, it } from 'vitest';
import { decideAutoDisable, formatDuration, nextFailingSince } from '../../../src/lanes/auto-disable.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const t0 = Date.UTC(2026, 10, 21, 19, 40);

describe('nextFailingSince', () => {
  it('starts a streak at the first failure, keeps it through later ones, and any 2xx ends it', () => {
    let since = nextFailingSince(null, 'failure', t0);
    since = nextFailingSince(since, 'failure', t0 + DAY);
    expect(since).toBe(t0);
    expect(nextFailingSince(since, 'success', t0 + 2 * DAY)).toBeNull();
  });
});

describe('decideAutoDisable', () => {
  it('never disables a destination without a streak', () => {
    expect(decideAutoDisable({ failingSince: null, now: t0 })).toEqual({ disable: false });
  });

  it('disables after 5 days of failing by default, and says when it would', () => {
    expect(decideAutoDisable({ failingSince: t0, now: t0 + 5 * DAY - 1 })).toEqual({
      disable: false,
      disableAt: t0 + 5 * DAY,
    });
    expect(decideAutoDisable({ failingSince: t0, now: t0 + 5 * DAY })).toEqual({
      disable: true,
      reason:
        'Disabled automatically: every attempt failed for 5 days (since 2026-11-21T19:40:00.000Z) without a single ' +
        '2xx response. Its deliveries are parked; re-enable the destination to resume them.',
    });
  });

  it('takes a configured threshold', () => {
    const decision = decideAutoDisable({ failingSince: t0, now: t0 + 2 * HOUR, disableAfterMs: 2 * HOUR });
    expect(decision).toMatchObject({ disable: true, reason: expect.stringContaining('failed for 2 hours') });
  });

  it('restarts the clock after a 2xx, so a destination that succeeds now and then is never disabled', () => {
    let since: number | null = null;
    for (let day = 0; day < 30; day++) {
      const now = t0 + day * DAY;
      since = nextFailingSince(since, day % 4 === 3 ? 'success' : 'failure', now);
      expect(decideAutoDisable({ failingSince: since, now }).disable).toBe(false);
    }
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 minutes'],
    [60_000, '1 minute'],
    [45 * 60_000, '45 minutes'],
    [HOUR, '1 hour'],
    [6 * HOUR + 5 * 60_000, '6 hours 5 minutes'],
    [DAY, '1 day'],
    [2 * DAY + 4 * HOUR + 59_000, '2 days 4 hours'],
    [5 * DAY, '5 days'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
