import { syncCrypto } from '../crypto/sync.js';
import type { SignedContent } from '../crypto/types.js';
import { ed25519SignAsync, hmacSignAsync } from '../crypto/web.js';
import { base64Encode } from '../encoding/base64.js';
import { WebhookConfigError } from '../errors.js';
import { rawBody, type WebhookBody } from './body.js';
import { type KeyInput, resolveKeys, type WebhookKey } from './keys.js';
import { timestampSeconds } from './timestamp.js';

/** Options of `sign` and `signAsync`. */
export interface SignOptions {
  /** The event id (`webhook-id`). */
  id: string;
  /** The attempt time: a `Date` or whole Unix seconds (default: now). */
  timestamp?: Date | number;
  /** The exact body that will be sent. */
  body: WebhookBody;
  /** `whsec_` keys sign `v1`, `whsk_` keys sign `v1a`; a list signs with each (rotation). */
  key: KeyInput;
}

/** The three Standard Webhooks headers. (A type alias, not an interface, so it fits `HeadersInput`.) */
export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

interface PreparedSigning {
  headers: Omit<SignedHeaders, 'webhook-signature'>;
  content: SignedContent;
  keys: WebhookKey[];
}

function prepareSigning(options: SignOptions): PreparedSigning {
  const { id } = options;
  if (typeof id !== 'string' || id === '' || id.includes('.')) {
    throw new WebhookConfigError('invalid_option', '`id` must be a non-empty string without ".".');
  }
  const keys = resolveKeys(options.key, false);
  for (const key of keys) {
    if (key.kind === 'ed25519' && !key.seed) {
      throw new WebhookConfigError(
        'invalid_key',
        'A whpk_ public key can only verify; sign with the whsk_ secret key.',
      );
    }
  }
  const seconds = timestampSeconds(options.timestamp);
  return {
    headers: { 'webhook-id': id, 'webhook-timestamp': String(seconds) },
    content: { prefix: `${id}.${seconds}.`, body: rawBody(options.body) },
    keys,
  };
}

/** Signs a delivery; returns the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers. */
export function sign(options: SignOptions): SignedHeaders {
  const { headers, content, keys } = prepareSigning(options);
  const entries = keys.map((key) =>
    key.kind === 'hmac'
      ? `v1,${base64Encode(syncCrypto.hmacSha256(key, content))}`
      : `v1a,${base64Encode(syncCrypto.ed25519Sign(key, content))}`,
  );
  return { ...headers, 'webhook-signature': entries.join(' ') };
}

/** {@link sign} on WebCrypto, for runtimes without `node:crypto`. */
export async function signAsync(options: SignOptions): Promise<SignedHeaders> {
  const { headers, content, keys } = prepareSigning(options);
  const entries = await Promise.all(
    keys.map(async (key) =>
      key.kind === 'hmac' ? `v1,${await hmacSignAsync(key, content)}` : `v1a,${await ed25519SignAsync(key, content)}`,
    ),
  );
  return { ...headers, 'webhook-signature': entries.join(' ') };
}
