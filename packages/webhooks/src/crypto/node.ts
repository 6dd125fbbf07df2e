// The only module that touches node:crypto. It is obtained through process.getBuiltinModule
// (Node ≥ 20.16, Bun, Deno), never a static import, so bundles for Workers and browsers load.
import type * as NodeCrypto from 'node:crypto';
import type { Ed25519Key, HmacKey } from '../signature/keys.js';
import type { SignedContent, SyncCrypto } from './types.js';

// DER prefixes that wrap a raw 32-byte ed25519 key as PKCS#8 (private) or SPKI (public).
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Loads node:crypto when the runtime has it, without a static import. */
export function loadNodeCrypto(): typeof NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined;
  } catch {
    return undefined;
  }
}

/** Synchronous crypto on node:crypto, with the `KeyObject` of each key created once. */
export function createNodeCrypto(crypto: typeof NodeCrypto): SyncCrypto {
  const hmacKeys = new WeakMap<HmacKey, NodeCrypto.KeyObject>();
  const privateKeys = new WeakMap<Ed25519Key, NodeCrypto.KeyObject>();
  const publicKeys = new WeakMap<Ed25519Key, NodeCrypto.KeyObject>();

  const hmacKey = (key: HmacKey) => {
    let object = hmacKeys.get(key);
    if (!object) {
      object = crypto.createSecretKey(key.secret);
      hmacKeys.set(key, object);
    }
    return object;
  };
  const privateKey = (key: Ed25519Key) => {
    let object = privateKeys.get(key);
    if (!object) {
      if (!key.seed) throw new TypeError('an ed25519 public key cannot sign');
      object = crypto.createPrivateKey({
        key: Buffer.from(concat(PKCS8_PREFIX, key.seed)),
        format: 'der',
        type: 'pkcs8',
      });
      privateKeys.set(key, object);
    }
    return object;
  };
  const publicKey = (key: Ed25519Key) => {
    let object = publicKeys.get(key);
    if (!object) {
      object = key.seed
        ? crypto.createPublicKey(privateKey(key))
        : crypto.createPublicKey({
            key: Buffer.from(concat(SPKI_PREFIX, key.publicKey as Uint8Array)),
            format: 'der',
            type: 'spki',
          });
      publicKeys.set(key, object);
    }
    return object;
  };
  const hmac = (key: HmacKey, content: SignedContent) => {
    const mac = crypto.createHmac('sha256', hmacKey(key));
    // One update of the joined string is faster than two for the usual small body.
    return typeof content.body === 'string'
      ? mac.update(content.prefix + content.body)
      : mac.update(content.prefix).update(content.body);
  };
  const message = (content: SignedContent) =>
    typeof content.body === 'string'
      ? Buffer.from(content.prefix + content.body)
      : Buffer.concat([Buffer.from(content.prefix), content.body]);

  return {
    name: 'node',
    hmacSha256: (key, content) => hmac(key, content).digest(),
    hmacSha256Base64: (key, content) => hmac(key, content).digest('base64'),
    ed25519Sign: (key, content) => crypto.sign(null, message(content), privateKey(key)),
    ed25519Verify: (key, content, signature) => crypto.verify(null, message(content), publicKey(key), signature),
  };
}
