// Asynchronous primitives on WebCrypto (crypto.subtle): Workers, Deno, Bun, browsers and Node.
import { base64Encode } from '../encoding/base64.js';
import { WebhookConfigError } from '../errors.js';
import type { Ed25519Key, HmacKey } from '../signature/keys.js';
import { type SignedContent, signedContentBytes } from './types.js';

const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function subtle(): SubtleCrypto {
  const found = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!found) {
    throw new WebhookConfigError('unsupported_runtime', 'This runtime has no WebCrypto (globalThis.crypto.subtle).');
  }
  return found;
}

const hmacKeys = new WeakMap<HmacKey, Promise<CryptoKey>>();
const privateKeys = new WeakMap<Ed25519Key, Promise<CryptoKey>>();
const publicKeys = new WeakMap<Ed25519Key, Promise<CryptoKey>>();

function cached<K extends object>(map: WeakMap<K, Promise<CryptoKey>>, key: K, make: () => Promise<CryptoKey>) {
  let found = map.get(key);
  if (!found) {
    found = make();
    map.set(key, found);
    // A failed import is not cached, so a transient failure does not stick.
    found.catch(() => map.delete(key));
  }
  return found;
}

const buffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

const hmacKey = (key: HmacKey) =>
  cached(hmacKeys, key, () =>
    subtle().importKey('raw', buffer(key.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
  );

const privateKey = (key: Ed25519Key) =>
  cached(privateKeys, key, () => {
    if (!key.seed) throw new TypeError('an ed25519 public key cannot sign');
    const der = new Uint8Array(PKCS8_PREFIX.length + 32);
    der.set(PKCS8_PREFIX);
    der.set(key.seed, PKCS8_PREFIX.length);
    // Extractable only so that a bare seed's public key can be read from its JWK below.
    return subtle().importKey('pkcs8', der.buffer, { name: 'Ed25519' }, true, ['sign']);
  });

const publicKey = (key: Ed25519Key) =>
  cached(publicKeys, key, async () => {
    let raw = key.publicKey;
    if (!raw) {
      const jwk = await subtle().exportKey('jwk', await privateKey(key));
      raw = Uint8Array.from(atob((jwk.x ?? '').replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    }
    return subtle().importKey('raw', buffer(raw), { name: 'Ed25519' }, false, ['verify']);
  });

/** HMAC-SHA256 signature of the signed content, as base64. */
export async function hmacSignAsync(key: HmacKey, content: SignedContent): Promise<string> {
  const signature = await subtle().sign('HMAC', await hmacKey(key), signedContentBytes(content));
  return base64Encode(new Uint8Array(signature));
}

/** Whether `signature` is the HMAC-SHA256 of the content (constant-time, inside WebCrypto). */
export async function hmacVerifyAsync(key: HmacKey, content: SignedContent, signature: Uint8Array): Promise<boolean> {
  return subtle().verify('HMAC', await hmacKey(key), buffer(signature), signedContentBytes(content));
}

/** ed25519 signature of the signed content, as base64. */
export async function ed25519SignAsync(key: Ed25519Key, content: SignedContent): Promise<string> {
  const signature = await subtle().sign('Ed25519', await privateKey(key), signedContentBytes(content));
  return base64Encode(new Uint8Array(signature));
}

/** Whether `signature` is a valid ed25519 signature of the content. */
export async function ed25519VerifyAsync(
  key: Ed25519Key,
  content: SignedContent,
  signature: Uint8Array,
): Promise<boolean> {
  return subtle().verify('Ed25519', await publicKey(key), buffer(signature), signedContentBytes(content));
}
