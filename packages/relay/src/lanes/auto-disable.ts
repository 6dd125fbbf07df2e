import { LANE_DEFAULTS } from './defaults.js';

/** The verdict of {@link decideAutoDisable}. */
export type AutoDisableDecision =
  | { disable: false /** Epoch ms at which the streak, if unbroken, disables the destination. */; disableAt?: number }
  | { disable: true /** The destination's `disabled_reason`. */; reason: string };

/**
 * The start of the current failure streak after an attempt: any 2xx ends it (`null`); a
 * failure keeps the earliest start, or starts one. Store it with the destination
 * (`failing_since`), so every process and every restart sees the same streak.
 */
export function nextFailingSince(
  failingSince: number | null,
  outcome: 'success' | 'failure',
  at: number,
): number | null {
  if (outcome === 'success') return null;
  return failingSince ?? at;
}

/**
 * Decides whether a destination that has failed without interruption since `failingSince`
 * should be disabled at `now` (default threshold: 5 days, as the platform and Svix do). Pure.
 */
export function decideAutoDisable(input: {
  failingSince: number | null;
  now: number;
  disableAfterMs?: number;
}): AutoDisableDecision {
  const after = input.disableAfterMs ?? LANE_DEFAULTS.autoDisableAfterMs;
  if (input.failingSince === null) return { disable: false };
  const disableAt = input.failingSince + after;
  if (input.now < disableAt) return { disable: false, disableAt };
  return { disable: true, reason: autoDisableReason(input.failingSince, input.now) };
}

/** The `disabled_reason` text: how long, since when, and how to resume. */
export function autoDisableReason(failingSince: number, now: number): string {
  return (
    `Disabled automatically: every attempt failed for ${formatDuration(now - failingSince)} ` +
    `(since ${new Date(failingSince).toISOString()}) without a single 2xx response. ` +
    'Its deliveries are parked; re-enable the destination to resume them.'
  );
}

/** `5 days`, `2 days 4 hours`, `6 hours 5 minutes`, `45 minutes`: precise enough for a reason text. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (days > 0) return hours > 0 ? `${unit(days, 'day')} ${unit(hours, 'hour')}` : unit(days, 'day');
  if (hours > 0) return mins > 0 ? `${unit(hours, 'hour')} ${unit(mins, 'minute')}` : unit(hours, 'hour');
  return unit(mins, 'minute');
}
