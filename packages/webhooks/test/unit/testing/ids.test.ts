import { describe, expect, it } from 'vitest';
import { eventId, resourceId } from '../../../src/testing/ids.js';

/** A seeded stand-in for a caller's generator (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('eventId and resourceId', () => {
  it('draw from the CSPRNG by default, in the platform formats', () => {
    expect(eventId()).toMatch(/^whe_[0-9a-f]{32}$/);
    expect(resourceId('session')).toMatch(/^sesn_011C[1-9A-HJ-NP-Za-km-z]{24}$/);
    expect(resourceId('vault_credential')).toMatch(/^vcrd_011C[1-9A-HJ-NP-Za-km-z]{24}$/);
    expect(eventId()).not.toBe(eventId());
  });

  it('draw every character from a given source, so the same seed gives the same ids', () => {
    const draw = (seed: number) => {
      const random = seeded(seed);
      return [eventId({ random }), resourceId('session_thread', { random })];
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    const [event, thread] = draw(1);
    expect(event).toMatch(/^whe_[0-9a-f]{32}$/);
    expect(thread).toMatch(/^sthr_011C[1-9A-HJ-NP-Za-km-z]{24}$/);
  });

  it('map the source onto the alphabet: 0 is its first character, just under 1 its last', () => {
    expect(eventId({ random: () => 0 })).toBe(`whe_${'0'.repeat(32)}`);
    expect(eventId({ random: () => 0.999999 })).toBe(`whe_${'f'.repeat(32)}`);
    expect(resourceId('session', { random: () => 0 })).toBe(`sesn_011C${'1'.repeat(24)}`);
    expect(resourceId('session', { random: () => 0.999999 })).toBe(`sesn_011C${'z'.repeat(24)}`);
  });
});
