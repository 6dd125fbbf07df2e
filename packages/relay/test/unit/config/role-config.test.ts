// The process role and the replay/retention settings resolve like every other setting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';

describe('role and housekeeping settings', () => {
  it('default to both, 30 days of retention, and small replay batches', () => {
    expect(loadConfig([], {}).config).toMatchObject({
      role: 'both',
      retentionMs: 30 * 86_400_000,
      retentionBatchSize: 500,
      replayBatchSize: 200,
      replayLeaseMs: 30_000,
    });
  });

  it('come from --role, HOOKLINE_ROLE or the config file, flags first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-role-'));
    const file = join(dir, 'relay.json');
    writeFileSync(file, JSON.stringify({ role: 'worker', retentionMs: 0 }));
    expect(loadConfig(['--config', file], {}).config).toMatchObject({ role: 'worker', retentionMs: 0 });
    expect(loadConfig(['--config', file], { HOOKLINE_ROLE: 'api' }).config.role).toBe('api');
    expect(loadConfig(['--config', file, '--role', 'both'], { HOOKLINE_ROLE: 'api' }).config.role).toBe('both');
    expect(loadConfig([], { HOOKLINE_REPLAY_BATCH_SIZE: '50' }).config.replayBatchSize).toBe(50);
  });

  it('refuses an unknown role, naming the choices', () => {
    expect(() => loadConfig(['--role', 'scheduler'], {})).toThrow(/--role must be one of api, worker, both/);
    expect(() => loadConfig([], { HOOKLINE_ROLE: 'all' })).toThrow(/HOOKLINE_ROLE must be one of api, worker, both/);
  });
});
