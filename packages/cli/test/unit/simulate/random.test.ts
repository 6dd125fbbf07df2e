import { eventId, resourceId } from '@hookline/webhooks/testing';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/simulate/random.js';

describe('Random', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const draw = (seed: string) => {
      const random = new Random(seed);
      return [random.next(), eventId(random.ids), resourceId('session', random.ids)];
    };
    expect(draw('42')).toEqual(draw('42'));
    expect(draw('42')).not.toEqual(draw('43'));
  });

  it('draws the core ids from its stream, in the platform formats', () => {
    const random = new Random('ids');
    expect(eventId(random.ids)).toMatch(/^whe_[0-9a-f]{32}$/);
    expect(resourceId('session', random.ids)).toMatch(/^sesn_011C[1-9A-HJ-NP-Za-km-z]{24}$/);
    expect(random.secret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('stays in range', () => {
    const random = new Random('range');
    for (let index = 0; index < 1000; index++) {
      const value = random.int(1, 3);
      expect([1, 2, 3]).toContain(value);
      const float = random.between(5, 6);
      expect(float).toBeGreaterThanOrEqual(5);
      expect(float).toBeLessThan(6);
    }
  });
});
