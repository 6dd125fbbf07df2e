import { WebhookConfigError, WebhookVerificationError } from '../errors.js';

/** The clock: a `Date` or epoch milliseconds. */
export type Clock = Date | number;

/** Seconds of clock skew accepted in each direction, as every Standard Webhooks library does. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

// Strict Unix seconds: digits only, no sign, no leading zero, at most 10 digits (until 2286).
// Eleven or more digits are milliseconds sent by mistake; the reference JS library's parseInt
// would accept "123abc", "0123" and "12.5" too.
const STRICT_SECONDS = /^(?:0|[1-9][0-9]{0,9})$/;

/** Parses the `webhook-timestamp` header strictly. */
export function parseTimestampHeader(value: string): number {
  if (STRICT_SECONDS.test(value)) return Number(value);
  const reason = /^[1-9][0-9]{10,}$/.test(value)
    ? 'webhook-timestamp looks like milliseconds; it must be whole Unix seconds'
    : 'webhook-timestamp must be whole Unix seconds (digits only, no leading zero)';
  throw new WebhookVerificationError('invalid_timestamp', 'Invalid Signature Headers', {
    header: 'webhook-timestamp',
    value: value.length > 40 ? `${value.slice(0, 40)}…` : value,
    reason,
  });
}

/** Epoch seconds of the clock option (default: now). */
export function clockSeconds(now: Clock | undefined): number {
  const ms = now === undefined ? Date.now() : typeof now === 'number' ? now : now.getTime();
  if (!Number.isFinite(ms))
    throw new WebhookConfigError('invalid_option', '`now` must be a valid Date or epoch milliseconds.');
  return Math.floor(ms / 1000);
}

/** Checks the tolerance option: a non-negative number of seconds, or `false` to skip the check. */
export function checkTolerance(tolerance: number | false | undefined): number | false {
  if (tolerance === undefined) return DEFAULT_TOLERANCE_SECONDS;
  if (tolerance === false || (typeof tolerance === 'number' && tolerance >= 0 && Number.isFinite(tolerance)))
    return tolerance;
  throw new WebhookConfigError('invalid_option', '`tolerance` must be a non-negative number of seconds, or false.');
}

/** Rejects a timestamp further than `tolerance` seconds from now, in either direction. */
export function checkFreshness(timestamp: number, nowSeconds: number, tolerance: number | false): void {
  if (tolerance === false) return;
  const delta = nowSeconds - timestamp;
  if (delta > tolerance) {
    throw new WebhookVerificationError('timestamp_too_old', 'Message timestamp too old', {
      timestamp,
      now: nowSeconds,
      deltaSeconds: delta,
      tolerance,
    });
  }
  if (-delta > tolerance) {
    throw new WebhookVerificationError('timestamp_too_new', 'Message timestamp too new', {
      timestamp,
      now: nowSeconds,
      deltaSeconds: delta,
      tolerance,
    });
  }
}

/** The `webhook-timestamp` value for a `Date` or Unix seconds. */
export function timestampSeconds(timestamp: Date | number | undefined): number {
  if (timestamp === undefined) return Math.floor(Date.now() / 1000);
  const seconds = typeof timestamp === 'number' ? timestamp : Math.floor(timestamp.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new WebhookConfigError('invalid_option', '`timestamp` must be a valid Date or whole Unix seconds.');
  }
  return seconds;
}
