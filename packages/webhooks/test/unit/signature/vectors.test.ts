import { describe, expect, it } from 'vitest';
import { sign, signAsync, verify, verifyAsync } from '../../../src/index.js';
import { V1, V1A, vectorHeaders } from '../../vectors.js';

describe('the specification test vectors', () => {
  for (const v of V1) {
    it(`signs and verifies v1 vector ${v.id}`, async () => {
      const options = { id: v.id, timestamp: v.timestamp, body: v.payload, key: v.secret };
      expect(sign(options)['webhook-signature']).toBe(v.signature);
      expect((await signAsync(options))['webhook-signature']).toBe(v.signature);
      const verifyOptions = { body: v.payload, headers: vectorHeaders(v), key: v.secret, now: v.timestamp * 1000 };
      expect(verify(verifyOptions)).toEqual({ id: v.id, timestamp: v.timestamp });
      expect(await verifyAsync(verifyOptions)).toEqual({ id: v.id, timestamp: v.timestamp });
    });
  }

  it('signs the v1a vector with the 64-byte whsk_ key and verifies it with whpk_', async () => {
    const options = { id: V1A.id, timestamp: V1A.timestamp, body: V1A.payload, key: V1A.secretKey };
    expect(sign(options)['webhook-signature']).toBe(V1A.signature);
    expect((await signAsync(options))['webhook-signature']).toBe(V1A.signature);
    const verifyOptions = {
      body: V1A.payload,
      headers: vectorHeaders(V1A),
      key: V1A.publicKey,
      now: V1A.timestamp * 1000,
    };
    expect(verify(verifyOptions).id).toBe(V1A.id);
    expect((await verifyAsync(verifyOptions)).id).toBe(V1A.id);
  });

  it('signs v1a identically with the bare 32-byte seed, and verifies with the secret key', async () => {
    const seed = `whsk_${Buffer.from(V1A.secretKey.slice(5), 'base64').subarray(0, 32).toString('base64')}`;
    const options = { id: V1A.id, timestamp: V1A.timestamp, body: V1A.payload, key: seed };
    expect(sign(options)['webhook-signature']).toBe(V1A.signature);
    expect((await signAsync(options))['webhook-signature']).toBe(V1A.signature);
    const verifyOptions = { body: V1A.payload, headers: vectorHeaders(V1A), key: seed, now: V1A.timestamp * 1000 };
    expect(verify(verifyOptions).id).toBe(V1A.id);
    expect((await verifyAsync(verifyOptions)).id).toBe(V1A.id);
  });

  it('rejects the v1a vector under another public key', () => {
    const other = `whpk_${Buffer.alloc(32, 7).toString('base64')}`;
    const headers = vectorHeaders(V1A);
    expect(() => verify({ body: V1A.payload, headers, key: other, now: V1A.timestamp * 1000 })).toThrow(
      'No matching signature found',
    );
  });

  it('signs with several keys, one entry per key, in order', () => {
    const headers = sign({
      id: V1A.id,
      timestamp: V1A.timestamp,
      body: V1A.payload,
      key: [V1[0].secret, V1A.secretKey],
    });
    expect(headers['webhook-signature']).toBe(`${V1[0].signature} ${V1A.signature}`);
  });
});
