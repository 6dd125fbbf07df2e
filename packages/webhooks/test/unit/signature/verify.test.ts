import { describe, expect, it } from 'vitest';
import {
  sign,
  verify,
  verifyAsync,
  WebhookConfigError,
  type WebhookError,
  WebhookVerificationError,
} from '../../../src/index.js';
import { generateSecret } from '../../../src/testing/index.js';

const key = generateSecret();
const id = 'whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const timestamp = 1_770_000_000;
const now = timestamp * 1000;
const body = '{"id":"whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0","type":"event"}';
const headers = sign({ id, timestamp, body, key });

function failure(run: () => unknown): WebhookError {
  try {
    run();
  } catch (error) {
    return error as WebhookError;
  }
  throw new Error('expected a failure');
}

async function failureAsync(run: () => Promise<unknown>): Promise<WebhookError> {
  try {
    await run();
  } catch (error) {
    return error as WebhookError;
  }
  throw new Error('expected a failure');
}

describe('verify: header shapes', () => {
  const cases: [string, unknown][] = [
    ['a plain lowercase record', headers],
    [
      'a record with other casing',
      {
        'Webhook-Id': headers['webhook-id'],
        'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
        'Webhook-Signature': headers['webhook-signature'],
      },
    ],
    ['a fetch Headers', new Headers(headers)],
    ['[name, value] pairs', Object.entries(headers)],
    [
      "Node's IncomingHttpHeaders with string[] values",
      { ...headers, 'webhook-signature': ['v1,AAAA', headers['webhook-signature']], host: 'x' },
    ],
  ];
  for (const [name, shape] of cases) {
    it(`reads ${name}`, async () => {
      const options = { body, headers: shape as Headers, key, now };
      expect(verify(options)).toEqual({ id, timestamp });
      expect(await verifyAsync(options)).toEqual({ id, timestamp });
    });
  }
});

describe('verify: bodies', () => {
  it('accepts a string, Buffer, Uint8Array, ArrayBuffer and DataView of the same bytes', () => {
    const bytes = new TextEncoder().encode(body);
    for (const shape of [body, Buffer.from(body), bytes, bytes.slice().buffer, new DataView(bytes.slice().buffer)]) {
      expect(verify({ body: shape as Uint8Array, headers, key, now }).id).toBe(id);
    }
  });

  it('verifies a body of invalid UTF-8 over its exact bytes', async () => {
    const raw = Uint8Array.from([0x7b, 0xff, 0xfe, 0x22, 0xc3, 0x28, 0x7d]);
    const signed = sign({ id, timestamp, body: raw, key });
    expect(verify({ body: raw, headers: signed, key, now }).id).toBe(id);
    expect((await verifyAsync({ body: raw, headers: signed, key, now })).id).toBe(id);
    // The same bytes decoded lossily (what the reference JS library does) no longer match.
    const lossy = new TextDecoder().decode(raw);
    expect(() => verify({ body: lossy, headers: signed, key, now })).toThrow('No matching signature found');
  });

  it('rejects a parsed object with payload_not_raw and the fix for each framework', () => {
    const error = failure(() => verify({ body: JSON.parse(body), headers, key, now }));
    expect(error).toBeInstanceOf(WebhookConfigError);
    expect(error.code).toBe('payload_not_raw');
    expect(error.message).toContain("express.raw({ type: 'application/json' })");
    expect(error.message).toContain("parseAs: 'buffer'");
    expect(error.message).toContain('request.text()');
  });

  it('rejects a missing body with invalid_body', () => {
    expect(failure(() => verify({ body: undefined as unknown as string, headers, key, now })).code).toBe(
      'invalid_body',
    );
  });
});

describe('verify: headers', () => {
  it.each([['webhook-id'], ['webhook-timestamp'], ['webhook-signature']])(
    'fails with "Missing required headers" without %s, naming it',
    (name) => {
      const partial: Record<string, string> = { ...headers };
      delete partial[name];
      const error = failure(() => verify({ body, headers: partial, key, now }));
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(error.message).toBe('Missing required headers');
      expect(error.code).toBe('missing_headers');
      expect((error as WebhookVerificationError).details.missing).toEqual([name]);
    },
  );

  it.each([['123abc'], ['0123'], ['12.5'], ['-5'], [' 1770000000'], ['1770000000000'], ['']])(
    'rejects the timestamp %j as invalid',
    (value) => {
      const error = failure(() => verify({ body, headers: { ...headers, 'webhook-timestamp': value }, key, now }));
      expect(error.message).toBe(value === '' ? 'Missing required headers' : 'Invalid Signature Headers');
      if (value !== '') expect(error.code).toBe('invalid_timestamp');
    },
  );

  it('explains a millisecond timestamp', () => {
    const error = failure(() =>
      verify({ body, headers: { ...headers, 'webhook-timestamp': String(now) }, key, now }),
    ) as WebhookVerificationError;
    expect(error.details.reason).toContain('milliseconds');
  });

  it('rejects an id containing "."', () => {
    const dotted = sign({ id: 'a', timestamp, body, key });
    const error = failure(() => verify({ body, headers: { ...dotted, 'webhook-id': 'a.b' }, key, now }));
    expect([error.message, error.code]).toEqual(['Invalid Signature Headers', 'invalid_headers']);
  });
});

describe('verify: timestamps', () => {
  it('accepts exactly 300 s of skew both ways and rejects 301 s, with the delta', () => {
    for (const skew of [-300, 300]) expect(verify({ body, headers, key, now: now + skew * 1000 }).id).toBe(id);
    const old = failure(() => verify({ body, headers, key, now: now + 301_000 })) as WebhookVerificationError;
    expect([old.message, old.code, old.details.deltaSeconds]).toEqual([
      'Message timestamp too old',
      'timestamp_too_old',
      301,
    ]);
    const future = failure(() => verify({ body, headers, key, now: now - 301_000 })) as WebhookVerificationError;
    expect([future.message, future.code, future.details.deltaSeconds]).toEqual([
      'Message timestamp too new',
      'timestamp_too_new',
      -301,
    ]);
  });

  it('takes the clock as a Date or epoch ms, a custom tolerance, or none', () => {
    expect(verify({ body, headers, key, now: new Date(now + 60_000) }).id).toBe(id);
    expect(() => verify({ body, headers, key, now: now + 60_000, tolerance: 30 })).toThrow('Message timestamp too old');
    expect(verify({ body, headers, key, now: now + 86_400_000, tolerance: false }).id).toBe(id);
  });

  it('rejects a negative or non-numeric tolerance as a config error', () => {
    expect(failure(() => verify({ body, headers, key, now, tolerance: -1 })).code).toBe('invalid_option');
  });
});

describe('verify: signatures and keys', () => {
  it('accepts when any entry matches any key (rotation), skipping unknown versions', async () => {
    const other = generateSecret();
    const rotated = { ...headers, 'webhook-signature': `v2,abc v1,${'A'.repeat(43)}= ${headers['webhook-signature']}` };
    for (const keys of [[other, key], [key, other], key]) {
      expect(verify({ body, headers: rotated, key: keys, now }).id).toBe(id);
      expect((await verifyAsync({ body, headers: rotated, key: keys, now })).id).toBe(id);
    }
  });

  it('fails with no_supported_signature when only unknown versions are present', async () => {
    const error = failure(() =>
      verify({ body, headers: { ...headers, 'webhook-signature': 'v2,abc v3,def' }, key, now }),
    );
    expect([error.message, error.code]).toEqual(['No matching signature found', 'no_supported_signature']);
    expect((error as WebhookVerificationError).details.versions).toEqual(['v2', 'v3']);
    const asyncError = await failureAsync(() =>
      verifyAsync({ body, headers: { ...headers, 'webhook-signature': 'v2,abc' }, key, now }),
    );
    expect(asyncError.code).toBe('no_supported_signature');
  });

  it('calls a malformed v1 entry malformed, not unsupported', () => {
    const error = failure(() =>
      verify({ body, headers: { ...headers, 'webhook-signature': 'v1,not-base64' }, key, now }),
    ) as WebhookVerificationError;
    expect([error.message, error.code]).toEqual(['No matching signature found', 'no_matching_signature']);
    expect(error.details.reason).toContain('malformed');
  });

  it('fails with no_matching_signature for a wrong key, the same way sync and async', async () => {
    const options = { body, headers, key: [generateSecret(), generateSecret()], now };
    const error = failure(() => verify(options)) as WebhookVerificationError;
    const asyncError = (await failureAsync(() => verifyAsync(options))) as WebhookVerificationError;
    for (const e of [error, asyncError]) {
      expect([e.message, e.code, e.details.keysTried]).toEqual([
        'No matching signature found',
        'no_matching_signature',
        2,
      ]);
    }
  });

  it('reads ANTHROPIC_WEBHOOK_SIGNING_KEY when no key is passed, and throws without any key', () => {
    const saved = process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
    try {
      process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY = key;
      expect(verify({ body, headers, now }).id).toBe(id);
      delete process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
      const error = failure(() => verify({ body, headers, now }));
      expect(error).toBeInstanceOf(WebhookConfigError);
      expect(error.code).toBe('missing_key');
      expect(error.message).toContain('ANTHROPIC_WEBHOOK_SIGNING_KEY');
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
      else process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY = saved;
    }
  });

  it.each([
    ['stray whitespace', `${key}\n`, 'whitespace'],
    ['a leading space', ` ${key}`, 'whitespace'],
    ['an empty string', '', 'empty'],
    ['bad base64', 'whsec_not*base64!', 'base64'],
    ['an empty secret', 'whsec_', 'empty'],
    ['a short public key', 'whpk_AAAA', '32 bytes'],
  ])('rejects a key with %s as invalid_key, naming the problem', (_, badKey, reason) => {
    const error = failure(() => verify({ body, headers, key: badKey, now }));
    expect(error).toBeInstanceOf(WebhookConfigError);
    expect(error.code).toBe('invalid_key');
    expect(error.message).toContain(reason);
  });

  it('rejects an empty key list', () => {
    expect(failure(() => verify({ body, headers, key: [], now })).code).toBe('missing_key');
  });

  it('never puts the secret into an error, whatever fails', () => {
    const secretPart = key.slice('whsec_'.length);
    const errors = [
      failure(() => verify({ body, headers, key: `${key} `, now })),
      failure(() => verify({ body, headers, key: [key, `${key}x`], now })),
      failure(() => verify({ body: `${body} `, headers, key, now })),
      failure(() => verify({ body, headers, key, now: now + 10_000_000 })),
      failure(() => verify({ body: {} as unknown as string, headers, key, now })),
    ];
    for (const error of errors) {
      const everything = `${error.message} ${error.stack} ${JSON.stringify(error)} ${JSON.stringify(Object.entries(error))}`;
      expect(everything).not.toContain(secretPart);
      expect(everything).not.toContain(secretPart.slice(0, 12));
    }
  });
});
