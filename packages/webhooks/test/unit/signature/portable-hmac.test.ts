import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { portableCrypto } from '../../../src/crypto/portable.js';
import { hmacSha256, sha256 } from '../../../src/crypto/sha256.js';

// The portable HMAC serves runtimes without node:crypto; node:crypto is the reference here.
describe('portable SHA-256 and HMAC', () => {
  it('matches the FIPS 180-4 examples', () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(new Uint8Array()))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches node:crypto for random keys and messages, including keys longer than a block', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.uint8Array({ maxLength: 1000 }),
        (key, message) => {
          const expected = createHmac('sha256', key).update(message).digest();
          expect(Buffer.from(hmacSha256(key, message))).toEqual(expected);
        },
      ),
    );
  });

  it('signs prefix plus body like node:crypto', () => {
    const secret = Uint8Array.from([1, 2, 3]);
    const out = portableCrypto.hmacSha256({ kind: 'hmac', secret }, { prefix: 'id.1.', body: 'héllo' });
    expect(Buffer.from(out)).toEqual(createHmac('sha256', secret).update('id.1.héllo').digest());
  });
});
