import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/api-error.js';
import { parseReplayInput } from '../../../src/replay/replay-input.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-26T12:00:00Z');
const RETENTION = 30 * DAY;
const HORIZON = '2026-10-27T12:00:00.000Z'; // NOW minus 30 days

function refusal(input: Record<string, unknown>, retentionMs = RETENTION): ApiError {
  try {
    parseReplayInput({ mode: 'all', ...input }, NOW, retentionMs);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the replay to be refused');
}

describe('parseReplayInput and retention', () => {
  it('accepts a range that starts at or after the retention horizon', () => {
    const job = parseReplayInput({ mode: 'all', since: HORIZON }, NOW, RETENTION);
    expect(job.since).toBe(NOW - RETENTION);
    expect(job.until).toBe(NOW);
  });

  it('refuses a range that starts before the horizon, naming the retention age and the earliest time', () => {
    const error = refusal({ since: NOW - 45 * DAY });
    expect(error.status).toBe(422);
    expect(error.code).toBe('range_before_retention');
    expect(error.message).toContain('30 days');
    expect(error.message).toContain(`earliest replayable time is ${HORIZON}`);
    expect(error.message).toContain('cannot be replayed in full');
    expect(error.details).toEqual({ retention_ms: RETENTION, earliest_replayable_at: HORIZON });
  });

  it('says so when the whole range is older than retention', () => {
    const error = refusal({ since: NOW - 60 * DAY, until: NOW - 40 * DAY });
    expect(error.message).toContain('The whole range is older than the retention age (30 days');
    expect(error.message).toContain(HORIZON);
  });

  it('refuses a range one millisecond before the horizon, dry runs included', () => {
    expect(refusal({ since: NOW - RETENTION - 1, dry_run: true }).code).toBe('range_before_retention');
  });

  it('accepts any range when retention is off (0 keeps everything)', () => {
    expect(parseReplayInput({ mode: 'failed', since: 0 }, NOW, 0).since).toBe(0);
  });

  it('reports a malformed range before the retention check', () => {
    expect(refusal({ since: NOW - 45 * DAY, until: NOW - 50 * DAY }).code).toBe('invalid_request');
  });
});
