import { constantTimeEqualText } from '../crypto/constant-time.js';
import { syncCrypto } from '../crypto/sync.js';
import { ed25519VerifyAsync, hmacVerifyAsync } from '../crypto/web.js';
import {
  noMatchingSignature,
  type PreparedVerification,
  prepareVerification,
  signatureBytes,
  type VerifiedDelivery,
  type VerifyOptions,
} from './verify-core.js';

function matches(prepared: PreparedVerification): boolean {
  // Keys outside, entries inside: each HMAC is computed once per key, however many entries.
  for (const key of prepared.keys) {
    let digest: string | undefined;
    for (const entry of prepared.entries) {
      if (entry.version === 'v1' && key.kind === 'hmac') {
        digest ??= syncCrypto.hmacSha256Base64(key, prepared.content);
        if (constantTimeEqualText(digest, entry.base64)) return true;
      } else if (entry.version === 'v1a' && key.kind === 'ed25519') {
        const signature = signatureBytes(entry);
        if (signature && syncCrypto.ed25519Verify(key, prepared.content, signature)) return true;
      }
    }
  }
  return false;
}

/**
 * Verifies a Standard Webhooks delivery over the exact body bytes. Throws
 * `WebhookVerificationError` (with the official libraries' messages) or `WebhookConfigError`.
 */
export function verify(options: VerifyOptions): VerifiedDelivery {
  const prepared = prepareVerification(options.body, options);
  checkSignatures(prepared);
  return prepared.delivery;
}

/** {@link verify} on WebCrypto, for runtimes without `node:crypto`. Same checks, same errors. */
export async function verifyAsync(options: VerifyOptions): Promise<VerifiedDelivery> {
  const prepared = prepareVerification(options.body, options);
  await checkSignaturesAsync(prepared);
  return prepared.delivery;
}

/** Throws unless a signature entry matches a key (synchronous crypto). */
export function checkSignatures(prepared: PreparedVerification): void {
  if (!matches(prepared)) throw noMatchingSignature(prepared);
}

/** Throws unless a signature entry matches a key (WebCrypto). */
export async function checkSignaturesAsync(prepared: PreparedVerification): Promise<void> {
  for (const entry of prepared.entries) {
    for (const key of prepared.keys) {
      const signature = signatureBytes(entry);
      if (!signature) continue;
      if (entry.version === 'v1' && key.kind === 'hmac') {
        if (await hmacVerifyAsync(key, prepared.content, signature)) return;
      } else if (entry.version === 'v1a' && key.kind === 'ed25519') {
        if (await ed25519VerifyAsync(key, prepared.content, signature)) return;
      }
    }
  }
  throw noMatchingSignature(prepared);
}
