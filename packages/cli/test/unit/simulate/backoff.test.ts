import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, retryDelays } from '../../../src/simulate/backoff.js';
import { Random } from '../../../src/simulate/random.js';

describe('retryDelays', () => {
  it('gives two delays (three attempts) between 5 and 120 s, growing, within about two minutes', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const delays = retryDelays(new Random(seed));
        expect(delays).toHaveLength(MAX_ATTEMPTS - 1);
        for (const delay of delays) {
          expect(delay).toBeGreaterThanOrEqual(5);
          expect(delay).toBeLessThanOrEqual(120);
        }
        expect(delays[1]!).toBeGreaterThan(delays[0]!);
        expect(delays[0]! + delays[1]!).toBeLessThanOrEqual(120);
      }),
    );
  });

  it('is jittered: different seeds give different delays', () => {
    const firsts = new Set(['a', 'b', 'c', 'd', 'e'].map((seed) => retryDelays(new Random(seed))[0]));
    expect(firsts.size).toBe(5);
  });
});
