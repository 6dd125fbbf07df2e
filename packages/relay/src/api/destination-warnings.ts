import { isIP } from 'node:net';
import { DestinationAddressRefusedError } from '../ssrf/address-refused-error.js';
import { parseAllowNetworks } from '../ssrf/allow-networks.js';
import { checkDestination } from '../ssrf/check-destination.js';

/**
 * Warnings for a destination URL the SSRF guard will refuse, so the operator hears it from the
 * API call rather than from the attempts log. Only IP-literal hosts are judged here: a host
 * name is resolved at delivery time (its answers may differ, and an API call should not wait
 * on DNS). The destination is saved either way; the allowlist may be extended later.
 */
export async function destinationWarnings(url: string, allowNetworks: string | undefined): Promise<string[]> {
  const host = new URL(url).hostname;
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(bare) === 0) return [];
  try {
    await checkDestination(host, { allow: parseAllowNetworks(allowNetworks) });
    return [];
  } catch (error) {
    return error instanceof DestinationAddressRefusedError ? [error.message] : [];
  }
}
