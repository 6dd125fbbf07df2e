import { RESOURCES, type ResourceKind } from '../events/catalogue.js';

const ALPHANUMERIC = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

/** Random bytes from the runtime's CSPRNG (WebCrypto, present on every supported runtime). */
export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (const byte of randomBytes(length)) out += alphabet[byte % alphabet.length];
  return out;
}

/** A realistic event id: `whe_` + 32 hex digits. */
export function eventId(): string {
  return `whe_${randomFrom(HEX, 32)}`;
}

/** A realistic resource id, e.g. `sesn_011CZkZAtmR3yMPDzynEDxu7` (`prefix_011C` + 24 characters). */
export function resourceId(kind: ResourceKind): string {
  return `${RESOURCES[kind].prefix}_011C${randomFrom(ALPHANUMERIC, 24)}`;
}
