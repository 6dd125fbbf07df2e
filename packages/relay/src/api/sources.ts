import { sign } from '@hookline/webhooks';
import { invalid } from '../http/api-error.js';
import { OPERATIONAL_SOURCE } from '../operational/operational-source.js';
import type { RelayContext } from '../relay-context.js';
import type { SourceRow } from '../store/types.js';

/** The source created from `ANTHROPIC_WEBHOOK_SIGNING_KEY`, so the platform needs no API call to set up. */
export const ENV_SOURCE = 'anthropic';
/** The source name events published through `POST /v1/events` are stored under. */
export const API_SOURCE = 'api';

export interface ResolvedSource {
  row: SourceRow;
  keys: string[];
  managedBy: 'api' | 'environment';
}

/** Looks a source up, decrypting its keys; the environment's `anthropic` source wins over a stored one. */
export async function resolveSource(relay: RelayContext, name: string): Promise<ResolvedSource | null> {
  if (name === ENV_SOURCE && relay.config.anthropicSigningKey) {
    return {
      row: { name, description: 'From ANTHROPIC_WEBHOOK_SIGNING_KEY', sealedKeys: '', createdAt: 0, updatedAt: 0 },
      keys: [relay.config.anthropicSigningKey],
      managedBy: 'environment',
    };
  }
  const row = await relay.store.getSource(name);
  if (!row) return null;
  return { row, keys: JSON.parse(relay.secretBox.open(row.sealedKeys)) as string[], managedBy: 'api' };
}

export function validateSourceName(name: unknown): string {
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)) {
    throw invalid('`name` must be 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit.');
  }
  if (name === API_SOURCE) throw invalid(`"${API_SOURCE}" is reserved for events published with POST /v1/events.`);
  if (name === OPERATIONAL_SOURCE)
    throw invalid(`"${OPERATIONAL_SOURCE}" is reserved for the relay's operational events.`);
  return name;
}

/** Checks keys without ever echoing them: each must be a usable Standard Webhooks key. */
export function validateKeys(keys: unknown): string[] {
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10) {
    throw invalid('`keys` must be a list of 1 to 10 verification keys (several during a rotation).');
  }
  return keys.map((key, index) => {
    if (typeof key !== 'string') throw invalid(`keys[${index}] must be a string.`);
    if (key.startsWith('whpk_')) {
      if (Buffer.from(key.slice(5), 'base64').length !== 32) throw invalid(`keys[${index}] is not a valid whpk_ key.`);
      return key;
    }
    try {
      sign({ id: 'check', body: '', key }); // parses the key exactly as verification will
    } catch {
      throw invalid(`keys[${index}] is not a valid key: expected whsec_…, whsk_… or whpk_… (standard base64).`);
    }
    return key;
  });
}
