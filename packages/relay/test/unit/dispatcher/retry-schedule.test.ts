import { describe, expect, it } from 'vitest';
import { nextRetryDelayMs, parseRetryAfter } from '../../../src/dispatcher/retry-schedule.js';

const exact = () => 0.5; // no jitter

describe('nextRetryDelayMs', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attemptsMade) =>
      nextRetryDelayMs({ attemptsMade, throttled: false, random: exact }),
    );
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, null]);
  });

  it('jitters by ±20 %', () => {
    expect(nextRetryDelayMs({ attemptsMade: 2, throttled: false, random: () => 0 })).toBe(240_000);
    expect(nextRetryDelayMs({ attemptsMade: 2, throttled: false, random: () => 0.999999 })).toBeCloseTo(360_000, -1);
  });

  it('waits at least 60 s after a timeout or 429', () => {
    expect(nextRetryDelayMs({ attemptsMade: 1, throttled: true, random: exact })).toBe(60_000);
    expect(nextRetryDelayMs({ attemptsMade: 3, throttled: true, random: exact })).toBe(1_800_000);
  });

  it('clamps Retry-After to [scheduled, 2 × scheduled]', () => {
    const at = (retryAfterMs: number) =>
      nextRetryDelayMs({ attemptsMade: 2, throttled: false, random: exact, retryAfterMs });
    expect(at(1_000)).toBe(300_000);
    expect(at(450_000)).toBe(450_000);
    expect(at(86_400_000)).toBe(600_000);
  });

  it('uses a destination schedule override', () => {
    expect(nextRetryDelayMs({ attemptsMade: 1, throttled: false, random: exact, schedule: [1, 2] })).toBe(1_000);
    expect(nextRetryDelayMs({ attemptsMade: 3, throttled: false, random: exact, schedule: [1, 2] })).toBeNull();
    expect(nextRetryDelayMs({ attemptsMade: 1, throttled: false, random: exact, schedule: [] })).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates, ignores garbage', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
