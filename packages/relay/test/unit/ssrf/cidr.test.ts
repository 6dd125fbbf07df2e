import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CidrSyntaxError, cidrContains, formatCidr, parseCidr } from '../../../src/ssrf/cidr.js';
import { formatIp, parseIp } from '../../../src/ssrf/ip-address.js';

/** The slow, obviously right answer: compare the first `prefix` bits as binary strings. */
function bruteForceContains(network: bigint, prefix: number, address: bigint, bits: number): boolean {
  const a = network.toString(2).padStart(bits, '0');
  const b = address.toString(2).padStart(bits, '0');
  return a.slice(0, prefix) === b.slice(0, prefix);
}

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['127.0.0.1', '127.0.0.1/32'],
    [' 0.0.0.0/0 ', '0.0.0.0/0'],
    ['fc00::/7', 'fc00::/7'],
    ['::1', '::1/128'],
    ['::ffff:0:0/96', '::ffff:0:0/96'],
  ])('parses %s', (text, canonical) => {
    expect(formatCidr(parseCidr(text))).toBe(canonical);
  });

  it.each([
    ['10.0.0.0/33', /invalid prefix length \(0 to 32/],
    ['::/129', /invalid prefix length \(0 to 128/],
    ['10.0.0.0/', /invalid prefix length/],
    ['10.0.0.0/08', /invalid prefix length/],
    ['192.168.1.0/16', /host bits set; did you mean 192\.168\.0\.0\/16\?/],
    ['fe80::1/10', /did you mean fe80::\/10\?/],
    ['example.com/8', /not an IPv4 or IPv6 address/],
  ])('rejects %s with a message that says why', (text, message) => {
    expect(() => parseCidr(text)).toThrow(CidrSyntaxError);
    expect(() => parseCidr(text)).toThrow(message);
  });
});

describe('cidrContains', () => {
  it('never matches across families', () => {
    expect(cidrContains(parseCidr('0.0.0.0/0'), parseIp('::ffff:1.2.3.4')!)).toBe(false);
    expect(cidrContains(parseCidr('::/0'), parseIp('1.2.3.4')!)).toBe(false);
  });

  for (const family of [4, 6] as const) {
    const bits = family === 4 ? 32 : 128;
    it(`agrees with a bit-by-bit comparison for IPv${family}`, () => {
      const value = fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
      // Addresses that share a random number of leading bits with the network exercise the boundary.
      const sample = fc
        .tuple(value, value, fc.integer({ min: 0, max: bits }), fc.integer({ min: 0, max: bits }))
        .map(([net, other, prefix, shared]) => {
          const keep = ((1n << BigInt(shared)) - 1n) << BigInt(bits - shared);
          const network = net & ~((1n << BigInt(bits - prefix)) - 1n);
          return { network, prefix, address: (net & keep) | (other & ~keep) };
        });
      fc.assert(
        fc.property(sample, ({ network, prefix, address }) => {
          const cidr = parseCidr(`${formatIp({ family, value: network })}/${prefix}`);
          expect(cidrContains(cidr, { family, value: address })).toBe(
            bruteForceContains(network, prefix, address, bits),
          );
        }),
        { numRuns: 500 },
      );
    });
  }
});
