import { parseUnverified, verify, WebhookPayloadError, WebhookVerificationError } from '@hookline/webhooks';
import { bodyHints, provenBodyChange } from './body-hints.js';

/** What `hookline verify` found, in the shape `--json` prints. */
export interface Diagnosis {
  valid: boolean;
  /** The core's error code (`no_matching_signature`, …) or a payload error code. */
  code?: string;
  /** The official libraries' message, e.g. `No matching signature found`. */
  message: string;
  /** Plain-language findings, most important first. */
  findings: string[];
  /** 1-based index of the key that matched. */
  matchedKey?: number;
  /** The signature version that matched. */
  version?: string;
  /** Seconds between the delivery's timestamp and the clock (positive: in the past). */
  ageSeconds?: number;
  event?: { id: string; type: string; resourceId: string };
}

/** Inputs of {@link diagnose}. */
export interface DiagnoseInput {
  body: Buffer;
  headers: Record<string, string>;
  keys: string[];
  tolerance: number | false;
  /** The clock, epoch milliseconds. */
  now: number;
}

function isEd25519(key: string): boolean {
  return key.startsWith('whpk_') || key.startsWith('whsk_');
}

function keyMatching(input: DiagnoseInput): number | undefined {
  for (const [index, key] of input.keys.entries()) {
    try {
      verify({ body: input.body, headers: input.headers, key, tolerance: false });
      return index + 1;
    } catch {
      // try the next key
    }
  }
  return undefined;
}

/** "42 s ago", "3 min in the future", "12 days ago". */
export function describeAge(seconds: number): string {
  const abs = Math.abs(seconds);
  const text =
    abs >= 172_800
      ? `${Math.round(abs / 86_400)} days`
      : abs >= 7200
        ? `${(abs / 3600).toFixed(1)} h`
        : abs >= 120
          ? `${Math.round(abs / 60)} min`
          : `${abs} s`;
  return seconds >= 0 ? `${text} ago` : `${text} in the future`;
}

/** Whether a `v1,…`/`v1a,…` entry carries standard padded base64 of a 32- or 64-byte signature. */
function isWellFormedSignature(entry: string): boolean {
  const [version, signature = ''] = entry.split(',');
  const length = version === 'v1' ? 44 : 88;
  return signature.length === length && /^[A-Za-z0-9+/]+={0,2}$/.test(signature);
}

function signatureFindings(input: DiagnoseInput, error: WebhookVerificationError): string[] {
  const findings: string[] = [];
  const entries = (input.headers['webhook-signature'] ?? '').split(' ').filter(Boolean);
  const versions = entries.map((entry) => entry.split(',')[0]!);
  const hmacKeys = input.keys.filter((key) => !isEd25519(key)).length;
  const edKeys = input.keys.length - hmacKeys;
  if (error.code === 'no_supported_signature') {
    findings.push(`webhook-signature has no v1 or v1a entry (versions seen: ${versions.join(', ') || 'none'})`);
    return findings;
  }
  // A v1/v1a entry that is not a signature of the right length in standard base64 can match no key.
  const supported = entries.filter((entry) => /^v1a?,/.test(entry));
  const malformed = supported.filter((entry) => !isWellFormedSignature(entry));
  if (supported.length > 0 && malformed.length === supported.length) {
    const version = malformed[0]!.split(',')[0];
    findings.push(
      `the ${version} entry in webhook-signature is malformed: not a ${version === 'v1' ? '32' : '64'}-byte signature in standard padded base64 (was it truncated or URL-safe encoded?)`,
    );
    return findings;
  }
  const proven = provenBodyChange(input.body, input.headers, input.keys);
  if (proven) return [proven];
  const count = input.keys.length;
  findings.push(
    count === 1
      ? 'the signature does not match the key: a wrong key (each endpoint has its own whsec_ secret; a regenerated secret invalidates the old one at once), or a changed body'
      : `none of the ${count} keys matches the signature: wrong keys, or a changed body`,
  );
  if (versions.length > 0 && versions.every((version) => version === 'v1') && edKeys === count) {
    findings.push('the header carries only v1 (HMAC) signatures, but every key given is an ed25519 key (whpk_/whsk_)');
  }
  if (versions.length > 0 && versions.every((version) => version === 'v1a') && hmacKeys === count) {
    findings.push('the header carries only v1a (ed25519) signatures, but every key given is an HMAC key (whsec_)');
  }
  findings.push(...bodyHints(input.body));
  return findings;
}

function headerFindings(input: DiagnoseInput, error: WebhookVerificationError): string[] {
  const findings = [error.details.reason ?? error.message];
  if (error.code === 'missing_headers') {
    const names = Object.keys(input.headers);
    if (names.some((name) => name.startsWith('svix-'))) {
      findings.push(
        'svix-id/svix-timestamp/svix-signature are present: rename them to webhook-id/-timestamp/-signature',
      );
    } else if (names.length === 0) {
      findings.push('no headers were given: pass --header "webhook-id: …" (repeatable) or --headers-file');
    }
  }
  return findings;
}

function payloadCheck(input: DiagnoseInput, diagnosis: Diagnosis): Diagnosis {
  try {
    const event = parseUnverified(input.body);
    diagnosis.event = { id: event.id, type: String(event.data.type), resourceId: String(event.data.id) };
    if (event.id !== input.headers['webhook-id']) {
      diagnosis.findings.push(`the body's id (${event.id}) differs from webhook-id; the platform sends them equal`);
    }
    return diagnosis;
  } catch (error) {
    if (!(error instanceof WebhookPayloadError)) throw error;
    return {
      ...diagnosis,
      valid: false,
      code: error.code,
      message: error.message,
      findings: [`the signature is valid, but the body is not a valid event: ${error.message}`],
    };
  }
}

/** Verifies a captured delivery and explains precisely why it fails when it does. */
export function diagnose(input: DiagnoseInput): Diagnosis {
  try {
    const delivery = verify({
      body: input.body,
      headers: input.headers,
      key: input.keys,
      tolerance: input.tolerance,
      now: input.now,
    });
    const matchedKey = keyMatching(input);
    const ageSeconds = Math.floor(input.now / 1000) - delivery.timestamp;
    return payloadCheck(input, {
      valid: true,
      message: 'valid',
      findings: [],
      ...(matchedKey ? { matchedKey, version: isEd25519(input.keys[matchedKey - 1]!) ? 'v1a' : 'v1' } : {}),
      ageSeconds,
    });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    const base = { valid: false, code: error.code, message: error.message };
    if (error.code === 'timestamp_too_old' || error.code === 'timestamp_too_new') {
      const age = error.details.deltaSeconds ?? 0;
      const findings = [
        `the delivery was signed ${describeAge(age)} (webhook-timestamp ${error.details.timestamp}), outside the tolerance of ±${error.details.tolerance} s`,
      ];
      const matchedKey = keyMatching(input);
      if (matchedKey !== undefined) {
        findings.push(
          `the signature itself is correct (key #${matchedKey}); only the time is off. A captured delivery goes stale after 5 minutes: add --tolerance off to check the signature alone, or --now ${error.details.timestamp}`,
        );
        return { ...base, findings, ageSeconds: age, matchedKey };
      }
      findings.push(
        ...signatureFindings(
          input,
          new WebhookVerificationError('no_matching_signature', 'No matching signature found', {}),
        ),
      );
      return { ...base, findings, ageSeconds: age };
    }
    if (error.code === 'no_matching_signature' || error.code === 'no_supported_signature') {
      return { ...base, findings: signatureFindings(input, error) };
    }
    return { ...base, findings: headerFindings(input, error) };
  }
}
