import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAdminAuth } from '../../../src/crypto/admin-auth.js';
import { parseMasterKey } from '../../../src/crypto/key-files.js';
import { SecretBox, SecretBoxError } from '../../../src/crypto/secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('whsec_top-secret');
    expect(sealed).not.toContain('top-secret');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(box.open(sealed)).toBe('whsec_top-secret');
    expect(box.seal('same')).not.toBe(box.seal('same')); // fresh IV each time
  });

  it('refuses a wrong master key or tampered data without revealing anything', () => {
    const sealed = box.seal('whsec_top-secret');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(/could not be decrypted/);
    expect(() => box.open('garbage')).toThrow(/expected format/);
  });

  it('accepts master keys as hex or base64 of 32 bytes only', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex'))).toEqual(key);
    expect(parseMasterKey(key.toString('base64'))).toEqual(key);
    expect(() => parseMasterKey('short')).toThrow(/32 bytes/);
  });
});

describe('createAdminAuth', () => {
  const check = createAdminAuth('hla_right');
  it('accepts only the exact bearer token', () => {
    expect(check('Bearer hla_right')).toBe(true);
    expect(check('bearer hla_right')).toBe(true);
    expect(check('Bearer hla_wrong')).toBe(false);
    expect(check('Bearer hla_right2')).toBe(false);
    expect(check('hla_right')).toBe(false);
    expect(check('Bearer ')).toBe(false);
    expect(check(undefined)).toBe(false);
  });
});
