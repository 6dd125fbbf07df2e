import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, parseIp } from '../../../src/ssrf/ip-address.js';

const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((value) => ({ family: 6 as const, value }));
const v4 = fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }).map((value) => ({ family: 4 as const, value }));

describe('parseIp', () => {
  it.each([
    ['127.0.0.1', 4, 0x7f000001n],
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['1::', 6, 1n << 112n],
    ['::ffff:127.0.0.1', 6, 0xffff7f000001n],
    ['::ffff:7f00:1', 6, 0xffff7f000001n],
    ['[fe80::1%eth0]', 6, (0xfe80n << 112n) | 1n],
    ['FD00:EC2::254', 6, (0xfd00n << 112n) | (0xec2n << 96n) | 0x254n],
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ['1:2:3:4:5:6:1.2.3.4', 6, 0x00010002000300040005000601020304n],
    ['1:2:3:4:5:6:7::', 6, 0x00010002000300040005000600070000n],
  ])('parses %s', (text, family, value) => {
    expect(parseIp(text)).toEqual({ family, value });
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '010.0.0.1',
    '1.2.3.-1',
    '0x7f.0.0.1',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'g::1',
    '1.2.3.4::',
    '::1.2.3.4:1',
    'example.com',
  ])('rejects %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it('accepts exactly what node:net accepts as IPv6 (zone ids aside)', () => {
    const group = fc.stringMatching(/^[0-9a-f]{0,5}$/);
    const text = fc.array(fc.oneof(group, fc.constant(''), fc.constant('1.2.3.4')), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(text, (parts) => {
        const candidate = parts.join(':');
        expect(parseIp(candidate)?.family === 6).toBe(isIP(candidate) === 6);
      }),
    );
  });
});

describe('formatIp', () => {
  it.each([
    [{ family: 6 as const, value: 0n }, '::'],
    [{ family: 6 as const, value: 1n }, '::1'],
    [{ family: 6 as const, value: 0x20010db8000000000001000000000001n }, '2001:db8::1:0:0:1'],
    [{ family: 6 as const, value: 0x20010db8000000010001000100010001n }, '2001:db8:0:1:1:1:1:1'],
    [{ family: 4 as const, value: 0xc0a80001n }, '192.168.0.1'],
  ])('formats %o as %s', (ip, text) => {
    expect(formatIp(ip)).toBe(text);
  });

  it('round-trips every address, and writes IPv6 as the WHATWG URL parser does (RFC 5952)', () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6), (ip) => {
        const text = formatIp(ip);
        expect(parseIp(text)).toEqual(ip);
        if (ip.family === 6) expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
      }),
    );
  });
});
