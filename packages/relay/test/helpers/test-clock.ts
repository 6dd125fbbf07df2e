import type { Clock } from '@hookline/relay';

/** A clock that only moves when told to: retry schedules run in milliseconds of real time. */
export class TestClock implements Clock {
  #now: number;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  date(): Date {
    return new Date(this.#now);
  }
}
