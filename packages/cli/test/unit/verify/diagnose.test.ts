import { sign } from '@hookline/webhooks';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/verify/diagnose.js';

// The Standard Webhooks v1a (ed25519) vector.
const ED25519 = {
  secretKey: 'whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==',
  publicKey: 'whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=',
};
const HMAC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = Buffer.from(
  '{"id":"whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0","created_at":"2026-03-15T10:00:00Z","data":{"id":"sesn_011CZkZAtmR3yMPDzynEDxu7","organization_id":"org_011CZkZZAe0sMna4vkBdtrfx","type":"session.status_idled","workspace_id":"wrkspc_011CZkZaBF1tNoB5wlCeusgy"},"type":"event"}',
);
const now = Date.parse('2026-03-15T10:00:30Z');
const signed = (key: string) =>
  sign({ id: 'whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0', timestamp: now / 1000 - 30, body, key }) as unknown as Record<
    string,
    string
  >;

describe('diagnose', () => {
  it('accepts a v1a signature with the public key and says which version matched', () => {
    const diagnosis = diagnose({
      body,
      headers: signed(ED25519.secretKey),
      keys: [ED25519.publicKey],
      tolerance: 300,
      now,
    });
    expect(diagnosis).toMatchObject({ valid: true, matchedKey: 1, version: 'v1a', ageSeconds: 30 });
    expect(diagnosis.event).toEqual({
      id: 'whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      type: 'session.status_idled',
      resourceId: 'sesn_011CZkZAtmR3yMPDzynEDxu7',
    });
  });

  it('points out a key of the wrong kind for the signature version', () => {
    const v1aWithHmac = diagnose({ body, headers: signed(ED25519.secretKey), keys: [HMAC], tolerance: 300, now });
    expect(v1aWithHmac.valid).toBe(false);
    expect(v1aWithHmac.findings.join('\n')).toContain(
      'only v1a (ed25519) signatures, but every key given is an HMAC key',
    );
    const v1WithEd = diagnose({ body, headers: signed(HMAC), keys: [ED25519.publicKey], tolerance: 300, now });
    expect(v1WithEd.findings.join('\n')).toContain('only v1 (HMAC) signatures, but every key given is an ed25519 key');
  });

  it('flags a body id that differs from webhook-id', () => {
    const headers = sign({ id: 'whe_other', timestamp: now / 1000, body, key: HMAC }) as unknown as Record<
      string,
      string
    >;
    const diagnosis = diagnose({ body, headers, keys: [HMAC], tolerance: 300, now });
    expect(diagnosis.valid).toBe(true);
    expect(diagnosis.findings[0]).toContain('differs from webhook-id');
  });

  it('rejects a valid signature over a body that is not an event', () => {
    const notAnEvent = Buffer.from('{"hello":"world"}');
    const headers = sign({ id: 'whe_1', timestamp: now / 1000, body: notAnEvent, key: HMAC }) as unknown as Record<
      string,
      string
    >;
    const diagnosis = diagnose({ body: notAnEvent, headers, keys: [HMAC], tolerance: 300, now });
    expect(diagnosis.valid).toBe(false);
    expect(diagnosis.findings[0]).toContain('the signature is valid, but the body is not a valid event');
  });

  it('names a timestamp sent in milliseconds', () => {
    const headers = { ...signed(HMAC), 'webhook-timestamp': String(now) };
    const diagnosis = diagnose({ body, headers, keys: [HMAC], tolerance: 300, now });
    expect(diagnosis.code).toBe('invalid_timestamp');
    expect(diagnosis.findings[0]).toContain('milliseconds');
  });
});

describe('diagnose: malformed signatures', () => {
  it('says a v1 entry is malformed rather than absent', () => {
    const headers = { ...signed(HMAC), 'webhook-signature': 'v1,abc' };
    const diagnosis = diagnose({ body, headers, keys: [HMAC], tolerance: 300, now });
    expect(diagnosis.code).toBe('no_matching_signature');
    expect(diagnosis.findings[0]).toContain('the v1 entry in webhook-signature is malformed');
  });
});
