/**
 * Request headers in any shape users have: a fetch `Headers`, Node's `IncomingHttpHeaders`
 * (`string | string[]` values), a plain record with any casing, or `[name, value]` pairs.
 */
export type HeadersInput =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | ReadonlyArray<readonly [string, string]>;

/** The three Standard Webhooks headers, read from any header shape. */
export interface WebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

type Lookup = (name: string) => string | readonly string[] | null | undefined;

function lookupIn(headers: HeadersInput): Lookup {
  if (Array.isArray(headers)) {
    const pairs = headers as ReadonlyArray<readonly [string, string]>;
    return (name) => {
      const values = pairs.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
      return values.length === 0 ? undefined : values;
    };
  }
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (name) => (headers as { get(name: string): string | null }).get(name);
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  return (name) => {
    const exact = record[name];
    if (exact !== undefined) return exact;
    for (const key in record) if (key.toLowerCase() === name) return record[key];
    return undefined;
  };
}

function first(value: string | readonly string[] | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}

/** Reads `webhook-id`, `webhook-timestamp` and `webhook-signature`; repeated signatures are joined. */
export function readWebhookHeaders(headers: HeadersInput): WebhookHeaders {
  // Fast path: Node's IncomingHttpHeaders and most records already use lowercase names.
  const record = headers as Record<string, unknown>;
  const id = record['webhook-id'];
  const timestamp = record['webhook-timestamp'];
  const signature = record['webhook-signature'];
  if (typeof id === 'string' && typeof timestamp === 'string' && typeof signature === 'string') {
    return { id, timestamp, signature };
  }
  return readAnyShape(headers);
}

function readAnyShape(headers: HeadersInput): WebhookHeaders {
  const lookup = lookupIn(headers);
  const signature = lookup('webhook-signature');
  return {
    id: first(lookup('webhook-id')),
    timestamp: first(lookup('webhook-timestamp')),
    signature:
      signature === null || signature === undefined || typeof signature === 'string'
        ? (signature ?? undefined)
        : signature.join(' '),
  };
}
