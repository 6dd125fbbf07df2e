import { base64Encode } from '../encoding/base64.js';
import { WebhookConfigError } from '../errors.js';
import { hmacSha256 } from './sha256.js';
import { type SyncCrypto, signedContentBytes } from './types.js';

const noEd25519 = (): never => {
  throw new WebhookConfigError(
    'unsupported_runtime',
    'ed25519 (whpk_/whsk_) keys need WebCrypto on a runtime without node:crypto: use verifyAsync, signAsync or unwrapAsync.',
  );
};

/** Synchronous crypto in plain JavaScript: HMAC only. */
export const portableCrypto: SyncCrypto = {
  name: 'portable',
  hmacSha256: (key, content) => hmacSha256(key.secret, signedContentBytes(content)),
  ed25519Sign: noEd25519,
  ed25519Verify: noEd25519,
  hmacSha256Base64: (key, content) => base64Encode(hmacSha256(key.secret, signedContentBytes(content))),
};
