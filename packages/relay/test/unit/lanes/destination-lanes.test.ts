import { describe, expect, it } from 'vitest';
import type { BreakerStateChange } from '../../../src/lanes/circuit-breaker.js';
import { DestinationLanes, type LanePermit } from '../../../src/lanes/destination-lanes.js';
import { ManualClock } from './manual-clock.js';

const breaker = { minimumAttempts: 2, failureRatio: 0.5, coolDownMs: 10_000, probeTimeoutMs: 20_000 };

function started(decision: ReturnType<DestinationLanes['tryStart']>): LanePermit {
  if (!decision.start) throw new Error(`expected a start, got ${decision.reason}`);
  return decision.permit;
}

describe('DestinationLanes', () => {
  it('caps in-flight attempts per destination without touching the others', () => {
    const lanes = new DestinationLanes({ clock: new ManualClock(), maxInFlight: 2 });
    started(lanes.tryStart('slow'));
    started(lanes.tryStart('slow'));
    expect(lanes.tryStart('slow')).toEqual({ start: false, reason: 'in_flight_cap' });
    expect(lanes.tryStart('fast').start).toBe(true);
    expect(lanes.blocked()).toEqual(['slow']);
    // A full lane is not blocked for a claim: deliveries are held ready for its next free slot.
    expect(lanes.claimLimits()).toMatchObject({
      blocked: [],
      inFlight: new Map([
        ['slow', 2],
        ['fast', 1],
      ]),
    });
  });

  it('tells a claim what each lane admits: in flight, tokens left, a single half-open probe', () => {
    const clock = new ManualClock();
    const lanes = new DestinationLanes({ clock, maxInFlight: 5, breaker });
    started(lanes.tryStart('busy'));
    started(lanes.tryStart('busy'));
    for (let i = 0; i < 2; i++) started(lanes.tryStart('flaky')).finish('failure');
    clock.advance(breaker.coolDownMs); // the breaker is half-open now
    started(lanes.tryStart('rated', { ratePerSecond: 3 })).finish('success');
    const limits = lanes.claimLimits();
    expect(limits.inFlight).toEqual(new Map([['busy', 2]]));
    expect(limits.caps).toEqual(
      new Map([
        ['rated', 2],
        ['flaky', 1],
      ]),
    );
    expect(limits.blocked).toEqual([]);
  });

  it("uses the destination's own max_in_flight", () => {
    const lanes = new DestinationLanes({ clock: new ManualClock() });
    started(lanes.tryStart('d', { maxInFlight: 1 }));
    expect(lanes.tryStart('d', { maxInFlight: 1 })).toMatchObject({ start: false, reason: 'in_flight_cap' });
    expect(lanes.tryStart('d', { maxInFlight: 2 }).start).toBe(true);
  });

  it('frees the slot on finish or abandon, once', () => {
    const lanes = new DestinationLanes({ clock: new ManualClock(), maxInFlight: 1 });
    const permit = started(lanes.tryStart('d'));
    permit.finish('success');
    permit.finish('success');
    permit.abandon();
    expect(lanes.inFlight('d')).toBe(0);
    started(lanes.tryStart('d')).abandon();
    expect(lanes.inFlight('d')).toBe(0);
  });

  it('enforces rate_per_second and says when the next start is allowed', () => {
    const clock = new ManualClock();
    const lanes = new DestinationLanes({ clock });
    const settings = { ratePerSecond: 2, burst: 1 };
    started(lanes.tryStart('d', settings)).finish('success');
    expect(lanes.tryStart('d', settings)).toEqual({ start: false, reason: 'rate_limited', retryAt: clock.now() + 500 });
    expect(lanes.blocked()).toEqual(['d']);
    clock.advance(500);
    expect(lanes.tryStart('d', settings).start).toBe(true);
  });

  it('does not spend a token when the cap refuses', () => {
    const clock = new ManualClock();
    const lanes = new DestinationLanes({ clock, maxInFlight: 1 });
    const settings = { ratePerSecond: 1, burst: 2 };
    const first = started(lanes.tryStart('d', settings));
    expect(lanes.tryStart('d', settings)).toMatchObject({ reason: 'in_flight_cap' });
    first.finish('success');
    expect(lanes.tryStart('d', settings).start).toBe(true); // the second token is still there
  });

  it('rebuilds the bucket when the rate is edited, and drops it when the rate is removed', () => {
    const lanes = new DestinationLanes({ clock: new ManualClock() });
    started(lanes.tryStart('d', { ratePerSecond: 1, burst: 1 })).finish('success');
    expect(lanes.tryStart('d', { ratePerSecond: 1, burst: 1 }).start).toBe(false);
    expect(lanes.tryStart('d', { ratePerSecond: 5, burst: 1 }).start).toBe(true);
    expect(lanes.tryStart('d', { ratePerSecond: 5, burst: 1 }).start).toBe(false);
    // Back to the default burst (one second of rate: 5).
    for (let i = 0; i < 5; i++) expect(lanes.tryStart('d', { ratePerSecond: 5 }).start).toBe(true);
    expect(lanes.tryStart('d', { ratePerSecond: 5 }).start).toBe(false);
    expect(lanes.tryStart('d', {}).start).toBe(true);
  });

  it('opens the breaker on failures, parks the destination, then sends a single probe', () => {
    const clock = new ManualClock();
    const changes: [string, BreakerStateChange][] = [];
    const lanes = new DestinationLanes({ clock, breaker, onBreakerStateChange: (id, c) => changes.push([id, c]) });
    started(lanes.tryStart('down')).finish('failure');
    started(lanes.tryStart('down')).finish('failure');
    expect(lanes.breakerState('down')).toBe('open');
    expect(lanes.tryStart('down')).toEqual({ start: false, reason: 'circuit_open', retryAt: clock.now() + 10_000 });
    expect(lanes.blocked()).toEqual(['down']);
    expect(lanes.tryStart('up').start).toBe(true);

    clock.advance(10_000);
    const probe = started(lanes.tryStart('down'));
    expect(probe.probe).toBe(true);
    expect(lanes.tryStart('down')).toMatchObject({ start: false, reason: 'circuit_open' });
    probe.finish('success');
    expect(lanes.breakerState('down')).toBe('closed');
    expect(changes.map(([id, c]) => `${id}:${c.from}->${c.to}`)).toEqual([
      'down:closed->open',
      'down:open->half_open',
      'down:half_open->closed',
    ]);
    expect(lanes.breakerStates()).toEqual(
      new Map([
        ['down', 'closed'],
        ['up', 'closed'],
      ]),
    );
  });

  it('lets the next probe go at once when a probe is abandoned', () => {
    const clock = new ManualClock();
    const lanes = new DestinationLanes({ clock, breaker });
    started(lanes.tryStart('d')).finish('failure');
    started(lanes.tryStart('d')).finish('failure');
    clock.advance(10_000);
    started(lanes.tryStart('d')).abandon();
    expect(started(lanes.tryStart('d')).probe).toBe(true);
  });

  it('forgets a deleted destination', () => {
    const lanes = new DestinationLanes({ clock: new ManualClock(), breaker });
    started(lanes.tryStart('gone')).finish('failure');
    started(lanes.tryStart('gone')).finish('failure');
    lanes.forget('gone');
    expect(lanes.breakerState('gone')).toBe('closed');
    expect(lanes.blocked()).toEqual([]);
  });
});
