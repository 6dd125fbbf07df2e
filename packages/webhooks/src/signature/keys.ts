import { base64Decode } from '../encoding/base64.js';
import { WebhookConfigError } from '../errors.js';

/** An HMAC secret (`whsec_…`, or bare base64 as the reference libraries accept). Signs `v1`. */
export interface HmacKey {
  readonly kind: 'hmac';
  readonly secret: Uint8Array;
}

/** An ed25519 key (`whpk_…` public, `whsk_…` secret). Verifies, and with a seed signs, `v1a`. */
export interface Ed25519Key {
  readonly kind: 'ed25519';
  /** 32-byte public key; absent for a bare 32-byte seed (the provider derives it). */
  readonly publicKey: Uint8Array | undefined;
  /** 32-byte seed; absent for a public key. */
  readonly seed: Uint8Array | undefined;
}

/** A parsed signing or verification key. */
export type WebhookKey = HmacKey | Ed25519Key;

/** One key, or several during a rotation. */
export type KeyInput = string | readonly string[];

// Parsing a key costs a base64 decode; the same few keys come with every request.
const cache = new Map<string, WebhookKey>();
const CACHE_LIMIT = 256;

function invalid(position: string, reason: string): never {
  throw new WebhookConfigError('invalid_key', `The webhook key${position} is malformed: ${reason}.`);
}

function decodeKeyPart(text: string, prefix: string, position: string): Uint8Array {
  const bytes = base64Decode(text);
  if (!bytes) invalid(position, `the part after "${prefix}" is not standard padded base64`);
  if (bytes.length === 0) invalid(position, 'it is empty');
  return bytes;
}

function parseUncached(key: string, position: string): WebhookKey {
  if (key.length === 0) invalid(position, 'it is an empty string');
  if (key.trim() !== key) invalid(position, 'it has leading or trailing whitespace (check how it was pasted)');
  if (key.startsWith('whpk_')) {
    const publicKey = decodeKeyPart(key.slice(5), 'whpk_', position);
    if (publicKey.length !== 32) invalid(position, `an ed25519 public key has 32 bytes, this one ${publicKey.length}`);
    return { kind: 'ed25519', publicKey, seed: undefined };
  }
  if (key.startsWith('whsk_')) {
    const bytes = decodeKeyPart(key.slice(5), 'whsk_', position);
    if (bytes.length === 32) return { kind: 'ed25519', publicKey: undefined, seed: bytes };
    if (bytes.length === 64) return { kind: 'ed25519', publicKey: bytes.subarray(32), seed: bytes.subarray(0, 32) };
    invalid(position, `an ed25519 secret key has 32 or 64 bytes, this one ${bytes.length}`);
  }
  const prefix = key.startsWith('whsec_') ? 'whsec_' : '';
  return { kind: 'hmac', secret: decodeKeyPart(key.slice(prefix.length), prefix || 'the start', position) };
}

/** Parses one key string (cached). Throws `WebhookConfigError` that never repeats the key. */
export function parseKey(key: string, position = ''): WebhookKey {
  const cached = cache.get(key);
  if (cached) return cached;
  if (typeof key !== 'string') {
    throw new WebhookConfigError('invalid_key', `The webhook key${position} must be a string, got ${typeof key}.`);
  }
  const parsed = parseUncached(key, position);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, parsed);
  return parsed;
}

/** The environment variable the official SDK reads the key from. */
export const SIGNING_KEY_ENV = 'ANTHROPIC_WEBHOOK_SIGNING_KEY';

function keyFromEnvironment(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[SIGNING_KEY_ENV];
  return value === '' ? undefined : value;
}

/**
 * Parses the key option, falling back to `ANTHROPIC_WEBHOOK_SIGNING_KEY`. Never returns an empty
 * list: with no key at all it throws, because silently skipping verification is how forgeries pass.
 */
export function resolveKeys(input: KeyInput | undefined, useEnvironment: boolean): WebhookKey[] {
  const given = input ?? (useEnvironment ? keyFromEnvironment() : undefined);
  if (given === undefined || (Array.isArray(given) && given.length === 0)) {
    throw new WebhookConfigError(
      'missing_key',
      useEnvironment
        ? `No webhook signing key: pass { key } or set ${SIGNING_KEY_ENV} (the whsec_… secret shown when the endpoint was created).`
        : 'No webhook key: pass { key }.',
    );
  }
  if (typeof given === 'string') return [parseKey(given)];
  return given.map((key, index) => parseKey(key, ` at index ${index}`));
}
