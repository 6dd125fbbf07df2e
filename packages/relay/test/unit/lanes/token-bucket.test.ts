import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/lanes/token-bucket.js';
import { ManualClock } from './manual-clock.js';

describe('TokenBucket', () => {
  it('allows a burst, then one start per interval, and says when the next one may start', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 3, clock });
    const start = clock.now();
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual(Array(3).fill({ allowed: true }));
    expect(bucket.tryTake()).toEqual({ allowed: false, retryAt: start + 500 });
    clock.advance(499);
    expect(bucket.tryTake()).toEqual({ allowed: false, retryAt: start + 500 });
    clock.advance(1);
    expect(bucket.tryTake()).toEqual({ allowed: true });
    expect(bucket.tryTake()).toEqual({ allowed: false, retryAt: start + 1000 });
  });

  it('counts the tokens available now exactly as tryTake would grant them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { maxLength: 20 }),
        (rate, burst, steps) => {
          const clock = new ManualClock();
          const bucket = new TokenBucket({ ratePerSecond: rate, burst, clock });
          for (const step of steps) {
            clock.advance(step);
            const available = bucket.available();
            let granted = 0;
            while (granted <= burst && bucket.tryTake().allowed) granted++;
            expect(granted).toBe(available);
          }
        },
      ),
    );
  });

  it('refills to the burst after an idle spell, and no further', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, clock });
    clock.advance(60_000);
    let allowed = 0;
    while (bucket.tryTake().allowed) allowed++;
    expect(allowed).toBe(5);
  });

  it('defaults the burst to one second of rate, at least 1', () => {
    expect(new TokenBucket({ ratePerSecond: 20 }).burst).toBe(20);
    expect(new TokenBucket({ ratePerSecond: 2.5 }).burst).toBe(3);
    expect(new TokenBucket({ ratePerSecond: 0.1 }).burst).toBe(1);
  });

  it('handles fractional rates: 0.5/s is one start every two seconds', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 0.5, burst: 1, clock });
    expect(bucket.tryTake().allowed).toBe(true);
    expect(bucket.tryTake()).toEqual({ allowed: false, retryAt: clock.now() + 2000 });
  });

  it('peek does not take', () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, clock: new ManualClock() });
    expect(bucket.peek()).toEqual({ allowed: true });
    expect(bucket.peek()).toEqual({ allowed: true });
    expect(bucket.tryTake()).toEqual({ allowed: true });
    expect(bucket.peek().allowed).toBe(false);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the rate %s', (ratePerSecond) => {
    expect(() => new TokenBucket({ ratePerSecond })).toThrow(RangeError);
  });

  it.each([0, 1.5])('refuses the burst %s', (burst) => {
    expect(() => new TokenBucket({ ratePerSecond: 1, burst })).toThrow(/burst must be an integer/);
  });

  // Random rates, bursts and request timings (many at the same millisecond, some long gaps).
  const scenario = fc.record({
    ratePerSecond: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.05, max: 50, noNaN: true })),
    burst: fc.integer({ min: 1, max: 20 }),
    gaps: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5000 })), {
      minLength: 1,
      maxLength: 300,
    }),
  });

  it('never allows more than burst + rate × window over any window', () => {
    fc.assert(
      fc.property(scenario, ({ ratePerSecond, burst, gaps }) => {
        const clock = new ManualClock(0);
        const bucket = new TokenBucket({ ratePerSecond, burst, clock });
        const starts: number[] = [];
        for (const gap of gaps) {
          clock.advance(gap);
          if (bucket.tryTake().allowed) starts.push(clock.now());
        }
        for (let i = 0; i < starts.length; i++) {
          for (let j = i; j < starts.length; j++) {
            const window = starts[j]! - starts[i]!;
            expect(j - i + 1).toBeLessThanOrEqual(burst + (ratePerSecond * window) / 1000 + 1e-6);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('always allows a start at the retryAt it announced (no lost wake-ups)', () => {
    fc.assert(
      fc.property(scenario, ({ ratePerSecond, burst, gaps }) => {
        const clock = new ManualClock(0);
        const bucket = new TokenBucket({ ratePerSecond, burst, clock });
        for (const gap of gaps) {
          clock.advance(gap);
          const decision = bucket.tryTake();
          if (!decision.allowed) {
            expect(decision.retryAt).toBeGreaterThan(clock.now());
            expect(bucket.peek(decision.retryAt)).toEqual({ allowed: true });
            expect(bucket.peek(decision.retryAt - 1).allowed).toBe(false);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
