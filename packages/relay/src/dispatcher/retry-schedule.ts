import { DEFAULT_RETRY_SCHEDULE_SECONDS, DEFAULTS } from '../config/defaults.js';

export interface NextAttemptInput {
  /** Scheduled attempts made so far, including the one that just failed (1 after the first). */
  attemptsMade: number;
  /** Delays in seconds after each failed attempt; defaults to the relay's schedule. */
  schedule?: readonly number[] | null | undefined;
  /** The failure was a timeout or a 429: the destination is struggling, so wait at least 60 s. */
  throttled: boolean;
  /** Parsed `Retry-After`, in ms, when the destination sent one. */
  retryAfterMs?: number | undefined;
  /** A number in [0, 1) for jitter; injectable so tests are exact. */
  random?: () => number;
  jitter?: number;
  minDelayAfterThrottleMs?: number;
}

/**
 * The delay before the next scheduled attempt, or null when the schedule is exhausted (the
 * delivery becomes `failed`). Jitter is ±20 % of the scheduled delay; a timeout or 429 waits at
 * least 60 s; `Retry-After` is honoured but clamped to [scheduled, 2 × scheduled], so a
 * destination can slow the relay down but can neither make it hammer nor park it for ever.
 */
export function nextRetryDelayMs(input: NextAttemptInput): number | null {
  const schedule = input.schedule ?? DEFAULT_RETRY_SCHEDULE_SECONDS;
  const base = schedule[input.attemptsMade - 1];
  if (base === undefined) return null;
  const jitter = input.jitter ?? DEFAULTS.retryJitter;
  const random = input.random ?? Math.random;
  let delay = base * 1000 * (1 + jitter * (2 * random() - 1));
  if (input.throttled) delay = Math.max(delay, input.minDelayAfterThrottleMs ?? DEFAULTS.minDelayAfterThrottleMs);
  if (input.retryAfterMs !== undefined) delay = Math.min(Math.max(input.retryAfterMs, delay), 2 * delay);
  return Math.round(delay);
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into ms from `now`; undefined when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date always names the day or month; without this, Date.parse('-5') is a year.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
