import { join } from 'node:path';
import { sign } from '@hookline/webhooks';
import { RelayConfigError } from './config/load-config.js';
import type { RelayConfig } from './config/relay-config.js';
import { generateAdminToken, generateMasterKey, parseMasterKey, readOrCreateFile } from './crypto/key-files.js';

export interface Credentials {
  adminToken: string;
  masterKey: Buffer;
  /** Where the admin token came from, to tell the operator (never the token itself). */
  adminTokenSource: string;
}

export const ADMIN_TOKEN_FILE = 'admin-token';
export const MASTER_KEY_FILE = 'master-key';

/**
 * The admin token and master key. From the environment when set; in embedded (SQLite) mode
 * otherwise generated once into the data directory (mode 0600). With PostgreSQL several
 * processes must agree on both, so they are required there.
 */
export function resolveCredentials(config: RelayConfig): Credentials {
  const embedded = !config.databaseUrl;
  let adminToken = config.adminToken;
  let adminTokenSource = 'HOOKLINE_ADMIN_TOKEN';
  if (!adminToken) {
    if (!embedded)
      throw new RelayConfigError('Set HOOKLINE_ADMIN_TOKEN: with PostgreSQL every relay process must share it.');
    const path = join(config.dataDir, ADMIN_TOKEN_FILE);
    adminToken = readOrCreateFile(path, generateAdminToken).value;
    adminTokenSource = path;
  }
  let masterKeyText = config.masterKey;
  if (!masterKeyText) {
    if (!embedded)
      throw new RelayConfigError(
        'Set HOOKLINE_MASTER_KEY (openssl rand -hex 32): with PostgreSQL every relay process must share it.',
      );
    masterKeyText = readOrCreateFile(join(config.dataDir, MASTER_KEY_FILE), generateMasterKey).value;
  }
  try {
    return { adminToken, masterKey: parseMasterKey(masterKeyText), adminTokenSource };
  } catch (error) {
    throw new RelayConfigError((error as Error).message);
  }
}

/** Fails fast (exit 2) on a malformed ANTHROPIC_WEBHOOK_SIGNING_KEY, instead of refusing every delivery later. */
export function checkSigningKey(config: RelayConfig): void {
  const key = config.anthropicSigningKey;
  if (!key || key.startsWith('whpk_')) return;
  try {
    sign({ id: 'check', body: '', key }); // parses the key exactly as verification will
  } catch (error) {
    // The core's key errors never repeat the key.
    throw new RelayConfigError(`ANTHROPIC_WEBHOOK_SIGNING_KEY is not usable: ${(error as Error).message}`);
  }
}
