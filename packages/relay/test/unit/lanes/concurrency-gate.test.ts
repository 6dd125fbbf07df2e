import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConcurrencyGate, type SlotPermit } from '../../../src/lanes/concurrency-gate.js';

describe('ConcurrencyGate', () => {
  it('caps each destination at max_in_flight (default 10)', () => {
    const gate = new ConcurrencyGate();
    const permits = Array.from({ length: 10 }, () => gate.tryAcquire('dst_a'));
    expect(permits.every(Boolean)).toBe(true);
    expect(gate.tryAcquire('dst_a')).toBeUndefined();
    expect(gate.isFull('dst_a')).toBe(true);
    permits[0]!.release();
    expect(gate.isFull('dst_a')).toBe(false);
    expect(gate.tryAcquire('dst_a')).toBeDefined();
  });

  it("never lets a saturated destination take another's slots", () => {
    const gate = new ConcurrencyGate({ maxInFlight: 3 });
    while (gate.tryAcquire('hanging')) {
      // fill it
    }
    const others = Array.from({ length: 3 }, () => gate.tryAcquire('healthy'));
    expect(others.every(Boolean)).toBe(true);
    expect(gate.inFlight('hanging')).toBe(3);
    expect(gate.saturated().sort()).toEqual(['hanging', 'healthy']);
  });

  it('takes a per-destination limit on each call', () => {
    const gate = new ConcurrencyGate();
    expect(gate.tryAcquire('one', 1)).toBeDefined();
    expect(gate.tryAcquire('one', 1)).toBeUndefined();
    expect(gate.saturated()).toEqual(['one']);
    // The cap was raised while an attempt runs: the newest cap applies.
    expect(gate.tryAcquire('one', 2)).toBeDefined();
  });

  it('ignores a second release of the same permit', () => {
    const gate = new ConcurrencyGate({ maxInFlight: 2 });
    const a = gate.tryAcquire('d')!;
    gate.tryAcquire('d');
    a.release();
    a.release();
    expect(gate.inFlight('d')).toBe(1);
  });

  it.each([0, -1, 1.5])('refuses max_in_flight %s', (limit) => {
    expect(() => new ConcurrencyGate({ maxInFlight: limit })).toThrow(RangeError);
    expect(() => new ConcurrencyGate().tryAcquire('d', limit)).toThrow(/max_in_flight must be an integer/);
  });

  it('keeps every count within its cap and equal to the permits held, whatever the order', () => {
    const op = fc.record({ acquire: fc.boolean(), key: fc.constantFrom('a', 'b', 'c'), pick: fc.nat() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 4 }), (ops, limit) => {
        const gate = new ConcurrencyGate({ maxInFlight: limit });
        const held: SlotPermit[] = [];
        for (const { acquire, key, pick } of ops) {
          if (acquire) {
            const permit = gate.tryAcquire(key);
            const before = held.filter((p) => p.key === key).length;
            expect(permit !== undefined).toBe(before < limit);
            if (permit) held.push(permit);
          } else if (held.length > 0) {
            held.splice(pick % held.length, 1)[0]!.release();
          }
          for (const k of ['a', 'b', 'c']) {
            expect(gate.inFlight(k)).toBe(held.filter((p) => p.key === k).length);
          }
        }
      }),
    );
  });
});
