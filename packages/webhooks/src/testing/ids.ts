import { RESOURCES, type ResourceKind } from '../events/catalogue.js';

const ALPHANUMERIC = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

/**
 * Where an id's characters come from: a function returning a float in [0, 1), like
 * `Math.random`. Pass a seeded one to make ids reproducible; the default is the CSPRNG.
 */
export type RandomSource = () => number;

/** Options of {@link eventId} and {@link resourceId}. */
export interface IdOptions {
  /** Draw the characters from this source instead of the runtime's CSPRNG (e.g. a seeded generator). */
  random?: RandomSource;
}

/** Random bytes from the runtime's CSPRNG (WebCrypto, present on every supported runtime). */
export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

function randomFrom(alphabet: string, length: number, random: RandomSource | undefined): string {
  let out = '';
  if (random) {
    for (let index = 0; index < length; index++) out += alphabet[Math.floor(random() * alphabet.length)];
  } else {
    // One CSPRNG call per id rather than per character.
    for (const byte of randomBytes(length)) out += alphabet[byte % alphabet.length];
  }
  return out;
}

/** A realistic event id: `whe_` + 32 hex digits. */
export function eventId(options: IdOptions = {}): string {
  return `whe_${randomFrom(HEX, 32, options.random)}`;
}

/** A realistic resource id, e.g. `sesn_011CZkZAtmR3yMPDzynEDxu7` (`prefix_011C` + 24 characters). */
export function resourceId(kind: ResourceKind, options: IdOptions = {}): string {
  return `${RESOURCES[kind].prefix}_011C${randomFrom(ALPHANUMERIC, 24, options.random)}`;
}
