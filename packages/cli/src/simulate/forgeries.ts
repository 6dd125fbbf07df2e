import { sign } from '@hookline/webhooks';

/** Ways an attacker (or a broken proxy) produces a delivery the receiver must reject. */
export const FORGERY_KINDS = [
  'wrong-key',
  'tampered-body',
  'stale-timestamp',
  'future-timestamp',
  'missing-signature',
  'unsupported-version',
] as const;

/** One kind of forgery. */
export type ForgeryKind = (typeof FORGERY_KINDS)[number];

// Ten minutes is twice the tolerance every Standard Webhooks library uses.
const SKEW_SECONDS = 600;

/** The headers and body of a forged delivery, made at send time so timestamps are "now". */
export function forgeDelivery(
  kind: ForgeryKind,
  input: { id: string; body: string; key: string[]; wrongKey: string; tamperedBody: string; nowSeconds: number },
): { body: string; headers: Record<string, string> } {
  const { id, body, key, nowSeconds } = input;
  const signed = (timestamp: number, signingKey: string | string[], signedBody = body) =>
    sign({ id, timestamp, body: signedBody, key: signingKey }) as unknown as Record<string, string>;
  switch (kind) {
    case 'wrong-key':
      return { body, headers: signed(nowSeconds, input.wrongKey) };
    case 'tampered-body':
      // Signed correctly, then changed in transit: the classic reason to verify the raw bytes.
      return { body: input.tamperedBody, headers: signed(nowSeconds, key) };
    case 'stale-timestamp':
      // A correctly signed delivery replayed later: only the timestamp check stops it.
      return { body, headers: signed(nowSeconds - SKEW_SECONDS, key) };
    case 'future-timestamp':
      return { body, headers: signed(nowSeconds + SKEW_SECONDS, key) };
    case 'missing-signature': {
      const { 'webhook-signature': _, ...rest } = signed(nowSeconds, key);
      return { body, headers: rest };
    }
    case 'unsupported-version': {
      const headers = signed(nowSeconds, key);
      const signature = headers['webhook-signature']!.split(' ')[0]!.split(',')[1]!;
      return { body, headers: { ...headers, 'webhook-signature': `v2,${signature}` } };
    }
  }
}
