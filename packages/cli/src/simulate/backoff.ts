import type { Random } from './random.js';

/** The platform makes at most three attempts per event and endpoint. */
export const MAX_ATTEMPTS = 3;
/** Bounds of the platform's retry delays, in seconds. */
export const MIN_DELAY_SECONDS = 5;
export const MAX_DELAY_SECONDS = 120;

const BASE_SECONDS = 10;
const FACTOR = 5;
const JITTER = 0.5;

/**
 * The delays (platform seconds) before attempts 2 and 3: exponential (10 s, then 50 s), ±50 %
 * jitter, clamped to 5–120 s. The platform documents only "jittered exponential backoff between
 * 5 and 120 seconds" and "within about two minutes"; this schedule fits both.
 */
export function retryDelays(random: Random): number[] {
  return Array.from({ length: MAX_ATTEMPTS - 1 }, (_, retry) => {
    const nominal = BASE_SECONDS * FACTOR ** retry;
    const jittered = nominal * (1 + random.between(-JITTER, JITTER));
    return Math.min(MAX_DELAY_SECONDS, Math.max(MIN_DELAY_SECONDS, jittered));
  });
}
