import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Encode } from '../../../src/encoding/base64.js';
import { sign, verify } from '../../../src/index.js';

// Ids and timestamps are header values: no "." (it separates the signed parts), no spaces.
const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const timestampArb = fc.integer({ min: 1, max: 9_999_990_000 }); // leaves room to add a delta
const secretArb = fc.uint8Array({ minLength: 24, maxLength: 64 }).map((bytes) => `whsec_${base64Encode(bytes)}`);
const bodyArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 300 }));

function bytesOf(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

function flipByte(bytes: Uint8Array, index: number, xor: number): Uint8Array {
  const copy = bytes.slice();
  copy[index % copy.length] = (copy[index % copy.length] as number) ^ xor;
  return copy;
}

describe('signature properties', () => {
  it('a signed delivery always verifies', () => {
    fc.assert(
      fc.property(idArb, timestampArb, bodyArb, secretArb, (id, timestamp, body, key) => {
        const headers = sign({ id, timestamp, body, key });
        expect(verify({ body, headers, key, now: timestamp * 1000 })).toEqual({ id, timestamp });
      }),
    );
  });

  it('changing any single byte of the body is rejected', () => {
    fc.assert(
      fc.property(
        idArb,
        timestampArb,
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        secretArb,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (id, timestamp, body, key, index, xor) => {
          const headers = sign({ id, timestamp, body, key });
          const tampered = flipByte(bytesOf(body), index, xor);
          expect(() => verify({ body: tampered, headers, key, now: timestamp * 1000 })).toThrow(
            'No matching signature found',
          );
        },
      ),
    );
  });

  it('changing any single character of the id is rejected', () => {
    fc.assert(
      fc.property(idArb, timestampArb, bodyArb, secretArb, fc.nat(), (id, timestamp, body, key, index) => {
        const headers = sign({ id, timestamp, body, key });
        const at = index % id.length;
        const replacement = id[at] === 'x' ? 'y' : 'x';
        const otherId = id.slice(0, at) + replacement + id.slice(at + 1);
        expect(() =>
          verify({ body, headers: { ...headers, 'webhook-id': otherId }, key, now: timestamp * 1000 }),
        ).toThrow('No matching signature found');
      }),
    );
  });

  it('changing the timestamp is rejected even with the freshness check off', () => {
    fc.assert(
      fc.property(
        idArb,
        timestampArb,
        bodyArb,
        secretArb,
        fc.integer({ min: 1, max: 1000 }),
        (id, ts, body, key, d) => {
          const headers = sign({ id, timestamp: ts, body, key });
          const other = { ...headers, 'webhook-timestamp': String(ts + d) };
          expect(() => verify({ body, headers: other, key, tolerance: false })).toThrow('No matching signature found');
        },
      ),
    );
  });

  it('changing any single bit of the signature is rejected', () => {
    fc.assert(
      fc.property(
        idArb,
        timestampArb,
        bodyArb,
        secretArb,
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (id, ts, body, key, index, bit) => {
          const headers = sign({ id, timestamp: ts, body, key });
          const raw = Buffer.from(headers['webhook-signature'].slice(3), 'base64');
          const tampered = `v1,${Buffer.from(flipByte(raw, index, 1 << bit)).toString('base64')}`;
          expect(() =>
            verify({ body, headers: { ...headers, 'webhook-signature': tampered }, key, now: ts * 1000 }),
          ).toThrow('No matching signature found');
        },
      ),
    );
  });

  it('base64 of random bytes round-trips and matches Buffer', async () => {
    const { base64Decode } = await import('../../../src/encoding/base64.js');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = base64Encode(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64Decode(encoded)).toEqual(bytes);
      }),
    );
  });
});
