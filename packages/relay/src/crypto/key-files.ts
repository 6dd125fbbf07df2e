import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Reads a generated credential from `path`, or creates it (mode 0600, exclusive create so two
 * processes starting at once cannot write different values).
 */
export function readOrCreateFile(path: string, generate: () => string): { value: string; created: boolean } {
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), created: false };
  mkdirSync(dirname(path), { recursive: true });
  const value = generate();
  try {
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return { value: readFileSync(path, 'utf8').trim(), created: false };
    throw error;
  }
  chmodSync(path, 0o600);
  return { value, created: true };
}

/** Decodes a master key given as 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) {
    throw new Error(
      'HOOKLINE_MASTER_KEY must be 32 bytes, as 64 hex characters or base64 (e.g. `openssl rand -hex 32`).',
    );
  }
  return bytes;
}

/** A new random master key, hex encoded. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('hex');
}

/** A new admin token. The prefix makes it recognisable in secret scanners. */
export function generateAdminToken(): string {
  return `hla_${randomBytes(32).toString('base64url')}`;
}
