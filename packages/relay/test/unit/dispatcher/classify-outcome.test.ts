import { describe, expect, it } from 'vitest';
import { type AttemptResult, classifyAttempt } from '../../../src/dispatcher/classify-outcome.js';

const result = (statusCode: number | null, errorClass: string | null = null): AttemptResult => ({
  statusCode,
  errorClass,
  errorMessage: errorClass,
  responseBody: null,
  retryAfter: undefined,
  latencyMs: 1,
});

describe('classifyAttempt', () => {
  it('delivers on any 2xx only', () => {
    for (const status of [200, 201, 202, 204, 299]) expect(classifyAttempt(result(status)).kind).toBe('delivered');
  });

  it('treats 3xx as a failure that is retried, never as delivered', () => {
    for (const status of [301, 302, 304, 307, 308]) {
      expect(classifyAttempt(result(status))).toMatchObject({
        kind: 'retry',
        errorClass: 'redirect',
        throttled: false,
      });
    }
  });

  it('disables on 410 only', () => {
    expect(classifyAttempt(result(410)).kind).toBe('gone');
    expect(classifyAttempt(result(404)).kind).toBe('retry');
  });

  it('retries 429 and timeouts as throttled, 5xx and connection errors as plain failures', () => {
    expect(classifyAttempt(result(429))).toMatchObject({ kind: 'retry', throttled: true });
    expect(classifyAttempt(result(null, 'timeout'))).toMatchObject({
      kind: 'retry',
      throttled: true,
      errorClass: 'timeout',
    });
    expect(classifyAttempt(result(503))).toMatchObject({ kind: 'retry', throttled: false, errorClass: 'http_status' });
    expect(classifyAttempt(result(null, 'connection'))).toMatchObject({ kind: 'retry', throttled: false });
  });
});
