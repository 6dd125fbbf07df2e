import { base64Encode } from '../encoding/base64.js';
import { utf8Encode } from '../encoding/utf8.js';
import { WebhookConfigError } from '../errors.js';
import { hmacSha256 } from './sha256.js';
import type { SignedContent, SyncCrypto } from './types.js';

function bytesOf(content: SignedContent): Uint8Array[] {
  const body = typeof content.body === 'string' ? utf8Encode(content.body) : content.body;
  return [utf8Encode(content.prefix), body];
}

const noEd25519 = (): never => {
  throw new WebhookConfigError(
    'unsupported_runtime',
    'ed25519 (whpk_/whsk_) keys need WebCrypto on a runtime without node:crypto: use verifyAsync, signAsync or unwrapAsync.',
  );
};

/** Synchronous crypto in plain JavaScript: HMAC only. */
export const portableCrypto: SyncCrypto = {
  name: 'portable',
  hmacSha256: (key, content) => hmacSha256(key.secret, ...bytesOf(content)),
  ed25519Sign: noEd25519,
  ed25519Verify: noEd25519,
  hmacSha256Base64: (key, content) => base64Encode(hmacSha256(key.secret, ...bytesOf(content))),
};
