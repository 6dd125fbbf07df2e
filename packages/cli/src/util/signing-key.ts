import { SIGNING_KEY_ENV, sign, WebhookConfigError } from '@hookline/webhooks';
import { UsageError } from '../usage-error.js';

/** Where to get a key, shown whenever one is missing. */
export const HOW_TO_GET_A_KEY = [
  `No signing key. Pass --key whsec_… or set ${SIGNING_KEY_ENV}.`,
  'The key is the whsec_… secret shown once when the webhook endpoint is created in the',
  'Claude Console (Settings → Webhooks); regenerate it there if it is lost.',
  'For local testing, make one up: hookline secret generate',
].join('\n');

/** The keys from --key (repeatable) or the environment; a usage error that teaches when absent. */
export function resolveKeys(given: string[], env: Record<string, string | undefined>, command: string): string[] {
  const keys = given.length > 0 ? given : env[SIGNING_KEY_ENV] ? [env[SIGNING_KEY_ENV] as string] : [];
  if (keys.length === 0) throw new UsageError(HOW_TO_GET_A_KEY, command);
  for (const [index, key] of keys.entries()) checkKey(key, keys.length > 1 ? ` #${index + 1}` : '', command);
  return keys;
}

// Parsing through the core (a throwaway signature) gives the same key errors users see in code,
// and those never echo the key.
function checkKey(key: string, position: string, command: string): void {
  try {
    if (key.startsWith('whpk_')) return; // a public key can only verify; verify explains that case
    sign({ id: 'check', timestamp: 0, body: '', key });
  } catch (error) {
    if (error instanceof WebhookConfigError) {
      throw new UsageError(`key${position}: ${error.message}`, command);
    }
    throw error;
  }
}
