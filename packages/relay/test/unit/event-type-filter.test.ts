import { describe, expect, it } from 'vitest';
import { invalidPatternReason, matchesEventType } from '../../src/event-type-filter.js';

describe('matchesEventType', () => {
  it('matches everything when empty, exact types, and prefix wildcards on a dot boundary', () => {
    expect(matchesEventType([], 'anything.new')).toBe(true);
    expect(matchesEventType(['vault.created'], 'vault.created')).toBe(true);
    expect(matchesEventType(['vault.created'], 'vault.deleted')).toBe(false);
    expect(matchesEventType(['session.*'], 'session.thread_created')).toBe(true);
    expect(matchesEventType(['vault.*'], 'vault_credential.created')).toBe(false);
    expect(matchesEventType(['session.*'], 'session')).toBe(false);
    expect(matchesEventType(['*'], 'agent.created')).toBe(true);
  });

  it('rejects patterns that could never match as intended', () => {
    expect(invalidPatternReason('session.*')).toBeUndefined();
    expect(invalidPatternReason('Session.Idle')).toMatch(/not an event type/);
    expect(invalidPatternReason('session*')).toMatch(/not an event type/);
    expect(invalidPatternReason('*.created')).toMatch(/not an event type/);
  });
});
