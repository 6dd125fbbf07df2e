import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BreakerStateChange, CircuitBreaker } from '../../../src/lanes/circuit-breaker.js';
import { OutcomeWindow } from '../../../src/lanes/outcome-window.js';
import { ManualClock } from './manual-clock.js';

function breaker(overrides: ConstructorParameters<typeof CircuitBreaker>[0] = {}) {
  const clock = new ManualClock();
  const changes: BreakerStateChange[] = [];
  const b = new CircuitBreaker({
    clock,
    windowMs: 60_000,
    buckets: 12,
    minimumAttempts: 4,
    failureRatio: 0.5,
    coolDownMs: 30_000,
    probeTimeoutMs: 60_000,
    onStateChange: (c) => changes.push(c),
    ...overrides,
  });
  return { b, clock, changes };
}

describe('CircuitBreaker', () => {
  it('stays closed below the minimum count, however bad the ratio', () => {
    const { b } = breaker();
    for (let i = 0; i < 3; i++) b.record('failure');
    expect(b.state).toBe('closed');
    b.record('failure');
    expect(b.state).toBe('open');
  });

  it('opens at the failure ratio and not below it', () => {
    const { b } = breaker({ minimumAttempts: 10 });
    for (let i = 0; i < 6; i++) b.record('success');
    for (let i = 0; i < 5; i++) b.record('failure'); // 5 of 11 < 50 %
    expect(b.state).toBe('closed');
    b.record('failure'); // 6 of 12
    expect(b.state).toBe('open');
  });

  it('forgets outcomes that slid out of the window', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 3; i++) b.record('failure');
    clock.advance(60_000);
    b.record('failure');
    expect(b.state).toBe('closed');
    expect(b.snapshot()).toMatchObject({ failures: 1, successes: 0 });
  });

  it('refuses while open and says when to ask again; half-open after the cool-down', () => {
    const { b, clock, changes } = breaker();
    const openedAt = clock.now();
    for (let i = 0; i < 4; i++) b.record('failure');
    expect(b.admit()).toEqual({ allowed: false, retryAt: openedAt + 30_000 });
    clock.advance(29_999);
    expect(b.state).toBe('open');
    clock.advance(1);
    expect(b.state).toBe('half_open');
    expect(changes.map((c) => [c.from, c.to, c.at - openedAt])).toEqual([
      ['closed', 'open', 0],
      ['open', 'half_open', 30_000],
    ]);
  });

  it('lets exactly one probe through when half-open; its success closes the breaker', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 4; i++) b.record('failure');
    clock.advance(30_000);
    expect(b.peek()).toEqual({ allowed: true, probe: true });
    const probe = b.admit();
    expect(probe).toEqual({ allowed: true, probe: true });
    expect(b.admit()).toEqual({ allowed: false, retryAt: clock.now() + 60_000 });
    b.record('success', { probe: true });
    expect(b.state).toBe('closed');
    expect(b.admit()).toEqual({ allowed: true, probe: false });
    expect(b.snapshot()).toMatchObject({ state: 'closed', failures: 0, successes: 0 });
  });

  it('reopens for a full cool-down when the probe fails', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 4; i++) b.record('failure');
    clock.advance(30_000);
    const probe = b.admit();
    clock.advance(5_000);
    b.record('failure', probe.allowed ? probe : { probe: false });
    expect(b.state).toBe('open');
    expect(b.admit()).toEqual({ allowed: false, retryAt: clock.now() + 30_000 });
  });

  it('ignores outcomes of attempts that started before it opened', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 4; i++) b.record('failure');
    b.record('success'); // a slow attempt from before, finishing while open
    expect(b.state).toBe('open');
    clock.advance(30_000);
    b.admit();
    b.record('success'); // not the probe
    expect(b.state).toBe('half_open');
  });

  it('allows a new probe when the previous one never reported', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 4; i++) b.record('failure');
    clock.advance(30_000);
    b.admit();
    clock.advance(59_999);
    expect(b.admit().allowed).toBe(false);
    clock.advance(1);
    expect(b.admit()).toEqual({ allowed: true, probe: true });
  });

  it.each([
    [{ failureRatio: 0 }, /failureRatio/],
    [{ failureRatio: 1.5 }, /failureRatio/],
    [{ minimumAttempts: 0 }, /minimumAttempts/],
    [{ buckets: 0 }, /invalid window/],
  ])('refuses the options %o', (options, message) => {
    expect(() => new CircuitBreaker(options)).toThrow(message);
  });

  it('never opens unless the window holds enough outcomes at the ratio (model check)', () => {
    // The model: every outcome with its time; the window is the slices a bucketed window keeps.
    const step = fc.record({ failure: fc.boolean(), gap: fc.integer({ min: 0, max: 8_000 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), (steps) => {
        const { b, clock } = breaker();
        const log: { at: number; failure: boolean }[] = [];
        for (const { failure, gap } of steps) {
          clock.advance(gap);
          if (b.state !== 'closed') return; // the model covers the closed state
          b.record(failure ? 'failure' : 'success');
          log.push({ at: clock.now(), failure });
          const slice = (t: number) => Math.floor(t / 5_000);
          const inWindow = log.filter((o) => slice(o.at) > slice(clock.now()) - 12);
          const failures = inWindow.filter((o) => o.failure).length;
          const shouldOpen = failure && inWindow.length >= 4 && failures / inWindow.length >= 0.5;
          expect(b.state).toBe(shouldOpen ? 'open' : 'closed');
        }
      }),
    );
  });
});

describe('OutcomeWindow', () => {
  it('drops a slice once it is a whole window old', () => {
    const window = new OutcomeWindow(1_000, 10);
    window.record(false, 0);
    window.record(true, 950);
    expect(window.counts(999)).toEqual({ successes: 1, failures: 1 });
    expect(window.counts(1_000)).toEqual({ successes: 1, failures: 0 });
    expect(window.counts(2_000)).toEqual({ successes: 0, failures: 0 });
  });
});
