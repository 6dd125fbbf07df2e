import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Proves the package loads and works where node:crypto, Buffer and process do not exist.
describe('on a runtime without node:crypto, Buffer or process', () => {
  it('loads every entry point, signs and verifies v1 synchronously and v1/v1a on WebCrypto', async () => {
    const dir = fileURLToPath(new URL('./web-runtime/', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      `${dir}preload.mjs`,
      `${dir}exercise.mjs`,
    ]);
    expect(JSON.parse(stdout)).toEqual({
      loaded: true,
      hasBuffer: false,
      syncSignature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      asyncSignature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      unwrap: 'vault_credential.refresh_failed',
      unwrapAsync: 'vault_credential.refresh_failed',
      wrongKey: 'No matching signature found',
      ed25519Async: 'vault_credential.refresh_failed',
      ed25519Sync: 'unsupported_runtime',
      envDefaultWithoutProcess: 'missing_key',
    });
  });
});
