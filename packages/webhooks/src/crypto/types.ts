import { utf8Encode } from '../encoding/utf8.js';
import type { Ed25519Key, HmacKey } from '../signature/keys.js';

/** What is signed: `{id}.{timestamp}.` followed by the exact body. */
export interface SignedContent {
  readonly prefix: string;
  readonly body: string | Uint8Array;
}

/** The signed content as one byte string (for the portable and WebCrypto paths). */
export function signedContentBytes(content: SignedContent): Uint8Array<ArrayBuffer> {
  const prefix = utf8Encode(content.prefix);
  const body = typeof content.body === 'string' ? utf8Encode(content.body) : content.body;
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

/** Synchronous primitives; `node:crypto` where the runtime has it, portable code elsewhere. */
export interface SyncCrypto {
  readonly name: 'node' | 'portable';
  hmacSha256(key: HmacKey, content: SignedContent): Uint8Array;
  /** The same HMAC as standard base64: verification compares it with the header text. */
  hmacSha256Base64(key: HmacKey, content: SignedContent): string;
  ed25519Sign(key: Ed25519Key, content: SignedContent): Uint8Array;
  ed25519Verify(key: Ed25519Key, content: SignedContent, signature: Uint8Array): boolean;
}
