/** Why a delivery failed verification. Stable: match on it, not on the message. */
export type VerificationErrorCode =
  | 'missing_headers'
  | 'invalid_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_supported_signature'
  | 'no_matching_signature';

/** Why a verified body is not a usable event. */
export type PayloadErrorCode = 'invalid_utf8' | 'invalid_json' | 'invalid_event' | 'unknown_event_type';

/** Why the call itself is wrong (a deployment or code problem, not a bad delivery). */
export type ConfigErrorCode =
  | 'missing_key'
  | 'invalid_key'
  | 'payload_not_raw'
  | 'invalid_body'
  | 'invalid_option'
  | 'unsupported_runtime';

/** Every error code this package can produce. */
export type WebhookErrorCode = VerificationErrorCode | PayloadErrorCode | ConfigErrorCode;

/** Base class of every error this package throws. Messages and properties never contain a secret. */
export abstract class WebhookError<C extends WebhookErrorCode = WebhookErrorCode> extends Error {
  /** A stable, machine-readable reason. */
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Details a verification error carries for debugging (never the key). */
export interface VerificationErrorDetails {
  /** A plain-language explanation, for logs and the CLI. */
  reason?: string;
  /** Headers that were absent, for `missing_headers`. */
  missing?: string[];
  /** The offending header and its value, for `invalid_headers` and `invalid_timestamp`. */
  header?: string;
  value?: string;
  /** For timestamp errors: the delivery's time, the receiver's time (Unix seconds) and the skew. */
  timestamp?: number;
  now?: number;
  deltaSeconds?: number;
  tolerance?: number;
  /** For signature errors: the signature versions present and how many keys were tried. */
  versions?: string[];
  keysTried?: number;
}

/**
 * The delivery is not authentic or not fresh. Messages are those of the official libraries
 * (`Missing required headers`, `No matching signature found`, …) so existing code keeps working.
 */
export class WebhookVerificationError extends WebhookError<VerificationErrorCode> {
  override readonly name = 'WebhookVerificationError';
  readonly details: VerificationErrorDetails;

  constructor(code: VerificationErrorCode, message: string, details: VerificationErrorDetails = {}) {
    super(code, message);
    this.details = details;
  }
}

/** The body is authentic (or was not checked) but is not a valid event. */
export class WebhookPayloadError extends WebhookError<PayloadErrorCode> {
  override readonly name = 'WebhookPayloadError';
  /** Where in the payload the problem is, e.g. `data.vault_id` (empty for the whole body). */
  readonly path: string;
  /** What was expected there, e.g. `a string`. */
  readonly expected: string | undefined;
  /** What was found, e.g. `undefined`. */
  readonly received: string | undefined;

  constructor(
    code: PayloadErrorCode,
    message: string,
    detail: { path?: string; expected?: string; received?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: detail.cause });
    this.path = detail.path ?? '';
    this.expected = detail.expected;
    this.received = detail.received;
  }
}

/** The call is misconfigured: no key, a malformed key, a parsed body where raw bytes were needed. */
export class WebhookConfigError extends WebhookError<ConfigErrorCode> {
  override readonly name = 'WebhookConfigError';
}
