import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, RelayConfigError } from '../../../src/config/load-config.js';
import { usesStoreThread } from '../../../src/config/relay-config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const { config } = loadConfig([], {});
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      keepAliveTimeoutMs: 65_000,
      dataDir: './data',
      databaseUrl: undefined,
      maxBodyBytes: 262144,
    });
  });

  it('lets flags beat environment variables, which beat the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-config-'));
    const file = join(dir, 'relay.json');
    writeFileSync(file, JSON.stringify({ port: 1000, host: '0.0.0.0', dataDir: '/from-file' }));
    const { config } = loadConfig(['--port', '3000', '--config', file], {
      HOOKLINE_PORT: '2000',
      HOOKLINE_HOST: '::1',
    });
    expect(config).toMatchObject({ port: 3000, host: '::1', dataDir: '/from-file' });
    const env = loadConfig([], {
      HOOKLINE_DATABASE_URL: 'postgres://x/y',
      ANTHROPIC_WEBHOOK_SIGNING_KEY: 'whsec_a',
    }).config;
    expect(env).toMatchObject({ databaseUrl: 'postgres://x/y', anthropicSigningKey: 'whsec_a' });
  });

  it('reads a true/false setting from the environment and the config file', () => {
    expect(loadConfig([], {}).config.storeThread).toBeUndefined();
    expect(loadConfig([], { HOOKLINE_STORE_THREAD: 'false' }).config.storeThread).toBe(false);
    expect(loadConfig([], { HOOKLINE_STORE_THREAD: ' Off ' }).config.storeThread).toBe(false);
    expect(loadConfig([], { HOOKLINE_STORE_THREAD: '1' }).config.storeThread).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'hookline-config-'));
    const file = join(dir, 'relay.json');
    writeFileSync(file, JSON.stringify({ storeThread: false }));
    expect(loadConfig(['--config', file], {}).config.storeThread).toBe(false);
    expect(() => loadConfig([], { HOOKLINE_STORE_THREAD: 'maybe' })).toThrow(
      /HOOKLINE_STORE_THREAD must be true or false, got "maybe"/,
    );
  });

  it('explains bad values, unknown flags and unknown file keys', () => {
    expect(() => loadConfig(['--port', 'eighty'], {})).toThrow(/--port must be a non-negative number/);
    expect(() => loadConfig(['--prot', '1'], {})).toThrow(RelayConfigError);
    expect(() => loadConfig([], { HOOKLINE_SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/FULL, NORMAL/);
    const dir = mkdtempSync(join(tmpdir(), 'hookline-config-'));
    const file = join(dir, 'relay.json');
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig(['--config', file], {})).toThrow(/Unknown setting "prot"/);
  });

  it('runs the store in a thread for SQLite and not for PostgreSQL unless HOOKLINE_STORE_THREAD says otherwise', () => {
    const sqlite = loadConfig([], {}).config;
    const postgres = loadConfig([], { HOOKLINE_DATABASE_URL: 'postgres://x/y' }).config;
    expect(usesStoreThread(sqlite)).toBe(true);
    expect(usesStoreThread(postgres)).toBe(false);
    expect(usesStoreThread(loadConfig([], { HOOKLINE_STORE_THREAD: 'false' }).config)).toBe(false);
    expect(
      usesStoreThread(
        loadConfig([], { HOOKLINE_DATABASE_URL: 'postgres://x/y', HOOKLINE_STORE_THREAD: 'true' }).config,
      ),
    ).toBe(true);
  });
});
