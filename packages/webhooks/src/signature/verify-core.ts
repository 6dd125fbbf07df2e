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

/** One `version,signature` entry of the `webhook-signature` header, decoded. */
export interface SignatureEntry {
  version: 'v1' | 'v1a';
  signature: Uint8Array;
}

/** Everything verification needs after the checks that need no crypto. */
export interface PreparedVerification {
  delivery: VerifiedDelivery;
  content: SignedContent;
  keys: WebhookKey[];
  entries: SignatureEntry[];
  versions: string[];
}

const SIGNATURE_LENGTH = { v1: 32, v1a: 64 } as const;

function parseSignatureHeader(header: string): { entries: SignatureEntry[]; versions: string[] } {
  const entries: SignatureEntry[] = [];
  const versions: string[] = [];
  for (const part of header.split(' ')) {
    if (part === '') continue;
    const comma = part.indexOf(',');
    const version = comma < 0 ? part : part.slice(0, comma);
    versions.push(version);
    // Unknown versions are skipped, as the spec asks: senders may add schemes before we do.
    if (version !== 'v1' && version !== 'v1a') continue;
    const signature = base64Decode(part.slice(comma + 1));
    if (signature?.length === SIGNATURE_LENGTH[version]) entries.push({ version, signature });
  }
  return { entries, versions };
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
export function prepareVerification(options: VerifyOptions): PreparedVerification {
  const keys = resolveKeys(options.key, true);
  const body = rawBody(options.body);
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
  const { entries, versions } = parseSignatureHeader(signature);
  return {
    delivery: { id, timestamp: seconds },
    content: { prefix: `${id}.${seconds}.`, body },
    keys,
    entries,
    versions,
  };
}

/** The error for a delivery whose signatures matched no key. */
export function noMatchingSignature(prepared: PreparedVerification): WebhookVerificationError {
  const supported = prepared.entries.length > 0;
  return new WebhookVerificationError(
    supported ? 'no_matching_signature' : 'no_supported_signature',
    'No matching signature found',
    {
      versions: prepared.versions,
      keysTried: prepared.keys.length,
      reason: supported
        ? `none of ${prepared.entries.length} signature(s) matches any of ${prepared.keys.length} key(s)`
        : `no v1 or v1a signature in webhook-signature (versions seen: ${prepared.versions.join(', ') || 'none'})`,
    },
  );
}
