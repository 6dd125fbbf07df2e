/** What one HTTP attempt produced, before the schedule is applied. */
export interface AttemptResult {
  statusCode: number | null;
  /** Set when no usable response arrived: `timeout`, `connection`, `invalid_url`, `secret`. */
  errorClass: string | null;
  errorMessage: string | null;
  responseBody: string | null;
  retryAfter: string | undefined;
  latencyMs: number;
}

/** The decision for an attempt: delivered, retry on the schedule, or disable the destination. */
export type Classification =
  | { kind: 'delivered' }
  | { kind: 'retry'; throttled: boolean; errorClass: string; message: string }
  | { kind: 'gone'; errorClass: string; message: string };

/**
 * The status-code rules (docs/relay.md has the table): only 2xx delivers; a 3xx is a failure
 * and is never followed (the platform disables endpoints for it, and following would let a
 * destination send signed events elsewhere); 410 Gone disables the destination; everything else
 * — 4xx, 429, 5xx, timeouts, connection errors — is retried on the schedule.
 */
export function classifyAttempt(result: AttemptResult): Classification {
  const status = result.statusCode;
  if (status === null) {
    return {
      kind: 'retry',
      throttled: result.errorClass === 'timeout',
      errorClass: result.errorClass ?? 'connection',
      message: result.errorMessage ?? 'no response',
    };
  }
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) {
    return { kind: 'gone', errorClass: 'gone', message: 'destination answered 410 Gone' };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'retry', throttled: false, errorClass: 'redirect', message: `redirect (${status}) not followed` };
  }
  if (status === 429) return { kind: 'retry', throttled: true, errorClass: 'rate_limited', message: 'HTTP 429' };
  return { kind: 'retry', throttled: false, errorClass: 'http_status', message: `HTTP ${status}` };
}
