import { EVENT_TYPES } from '@hookline/webhooks';
import { describe, expect, it } from 'vitest';
import { suggest } from '../../../src/util/suggest.js';

describe('suggest', () => {
  it('finds the type meant by a typo or a fragment', () => {
    expect(suggest('session.status_idle', EVENT_TYPES)[0]).toBe('session.status_idled');
    expect(suggest('sesion.thread_created', EVENT_TYPES)[0]).toBe('session.thread_created');
    expect(suggest('refresh_failed', EVENT_TYPES)).toContain('vault_credential.refresh_failed');
  });

  it('suggests nothing for an unrelated word', () => {
    expect(suggest('banana', EVENT_TYPES)).toEqual([]);
  });
});
