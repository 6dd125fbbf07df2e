import type { SignedContent } from '../crypto/types.js';
import { base64Decode } from '../encoding/base64.js';
import { WebhookVerificationError } from '../errors.js';
import { rawBody, type WebhookBody } from './body.js';
import { type HeadersInput, readWebhookHeaders } from './headers.js';
import { type KeyInput, resolveKeys, type WebhookKey } from './keys.js';
import { type Clock, checkFreshness, checkTolerance, clockSeconds, parseTimestampHeader } from './timestamp.js';

/** Options of `verify` and `verifyAsync`. */
export interface VerifyOptions {
  /** The raw body, exactly as it arrived. */
  body: WebhookBody;
  /** The request headers, in any common shape. */
  headers: HeadersInput;
  /** One key or several (rotation); default `ANTHROPIC_WEBHOOK_SIGNING_KEY`. `whpk_` keys verify `v1a`. */
  key?: KeyInput;
  /** Accepted clock skew in seconds, both directions (default 300); `false` turns the check off. */
  tolerance?: number | false;
  /** The receiver's clock: a `Date` or epoch milliseconds (default: now). */
  now?: Clock;
}

/** What a successful verification established. */
export interface VerifiedDelivery {
  /** The `webhook-id` header: the event id. */
  id: string;
  /** The `webhook-timestamp` header, in Unix seconds. */
  timestamp: number;
}

/** One `version,signature` entry of the `webhook-signature` header. */
export interface SignatureEntry {
  version: 'v1' | 'v1a';
  /** The signature as sent: standard base64. */
  base64: string;
}

/** The entry's signature bytes, or `undefined` when it is not valid base64 of the right length. */
export function signatureBytes(entry: SignatureEntry): Uint8Array | undefined {
  const bytes = base64Decode(entry.base64);
  return bytes?.length === SIGNATURE_LENGTH[entry.version] ? bytes : undefined;
}

/** Everything verification needs after the checks that need no crypto. */
export interface PreparedVerification {
  delivery: VerifiedDelivery;
  content: SignedContent;
  keys: WebhookKey[];
  entries: SignatureEntry[];
  /** The raw `webhook-signature` header, kept for error details. */
  signatureHeader: string;
}

const SIGNATURE_LENGTH = { v1: 32, v1a: 64 } as const;
// Base64 lengths of those signatures; entries of another length cannot match and are dropped.
const BASE64_LENGTH = { v1: 44, v1a: 88 } as const;

// Hot path: scans the header once without split(); most headers carry a single `v1,` entry.
function parseSignatureHeader(header: string): SignatureEntry[] {
  const entries: SignatureEntry[] = [];
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(' ', start);
    if (end < 0) end = header.length;
    const comma = header.indexOf(',', start);
    if (comma > start && comma < end) {
      const version = header.slice(start, comma);
      // Unknown versions are skipped, as the spec asks: senders may add schemes before we do.
      if ((version === 'v1' || version === 'v1a') && end - comma - 1 === BASE64_LENGTH[version]) {
        entries.push({ version, base64: header.slice(comma + 1, end) });
      }
    }
    start = end + 1;
  }
  return entries;
}

/** The versions named in a signature header, for error messages. */
function signatureVersions(header: string): string[] {
  return header
    .split(' ')
    .filter((part) => part !== '')
    .map((part) => part.split(',')[0] as string);
}

function checkNoDot(name: string, value: string): void {
  if (!value.includes('.')) return;
  throw new WebhookVerificationError('invalid_headers', 'Invalid Signature Headers', {
    header: name,
    value: value.length > 80 ? `${value.slice(0, 80)}…` : value,
    reason: `${name} must not contain "." (it separates the parts of the signed content)`,
  });
}

/** Runs every check that needs no crypto, in the order the reference libraries use. */
export function prepareVerification(
  bodyInput: WebhookBody,
  options: Omit<VerifyOptions, 'body'>,
): PreparedVerification {
  const keys = resolveKeys(options.key, true);
  const body = rawBody(bodyInput);
  const tolerance = checkTolerance(options.tolerance);
  const { id, timestamp, signature } = readWebhookHeaders(options.headers ?? {});
  if (!id || !timestamp || !signature) {
    const missing = [!id && 'webhook-id', !timestamp && 'webhook-timestamp', !signature && 'webhook-signature'].filter(
      (name): name is string => typeof name === 'string',
    );
    throw new WebhookVerificationError('missing_headers', 'Missing required headers', {
      missing,
      reason: `missing ${missing.join(', ')}`,
    });
  }
  checkNoDot('webhook-id', id);
  const seconds = parseTimestampHeader(timestamp);
  const nowSeconds = clockSeconds(options.now);
  checkFreshness(seconds, nowSeconds, tolerance);
  return {
    delivery: { id, timestamp: seconds },
    content: { prefix: `${id}.${seconds}.`, body },
    keys,
    entries: parseSignatureHeader(signature),
    signatureHeader: signature,
  };
}

/** The error for a delivery whose signatures matched no key. */
export function noMatchingSignature(prepared: PreparedVerification): WebhookVerificationError {
  const versions = signatureVersions(prepared.signatureHeader);
  const details = { versions, keysTried: prepared.keys.length };
  const keys = `${prepared.keys.length} key(s)`;
  if (prepared.entries.length > 0) {
    return new WebhookVerificationError('no_matching_signature', 'No matching signature found', {
      ...details,
      reason: `none of ${prepared.entries.length} signature(s) matches any of ${keys}`,
    });
  }
  // A v1/v1a entry whose signature is not base64 of the right length cannot match any key.
  if (versions.some((version) => version === 'v1' || version === 'v1a')) {
    return new WebhookVerificationError('no_matching_signature', 'No matching signature found', {
      ...details,
      reason: 'every v1/v1a signature in webhook-signature is malformed (v1 is 44 base64 characters, v1a 88)',
    });
  }
  return new WebhookVerificationError('no_supported_signature', 'No matching signature found', {
    ...details,
    reason: `no v1 or v1a signature in webhook-signature (versions seen: ${versions.join(', ') || 'none'})`,
  });
}
