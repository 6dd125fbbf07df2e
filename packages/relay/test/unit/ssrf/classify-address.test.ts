import { describe, expect, it } from 'vitest';
import { classifyAddress, embeddedIpv4Of } from '../../../src/ssrf/classify-address.js';
import { SPECIAL_RANGES } from '../../../src/ssrf/special-ranges.js';

// [address, range, network] — first and last addresses of each range, and a neighbour just outside where it matters.
const BLOCKED: [string, string, string][] = [
  ['0.0.0.0', 'unspecified', '0.0.0.0/32'],
  ['0.1.2.3', 'this_network', '0.0.0.0/8'],
  ['0.255.255.255', 'this_network', '0.0.0.0/8'],
  ['10.0.0.0', 'private', '10.0.0.0/8'],
  ['10.255.255.255', 'private', '10.0.0.0/8'],
  ['172.16.0.1', 'private', '172.16.0.0/12'],
  ['172.31.255.255', 'private', '172.16.0.0/12'],
  ['192.168.1.1', 'private', '192.168.0.0/16'],
  ['100.64.0.1', 'cgnat', '100.64.0.0/10'],
  ['100.127.255.255', 'cgnat', '100.64.0.0/10'],
  ['100.100.100.200', 'metadata', '100.100.100.200/32'],
  ['127.0.0.1', 'loopback', '127.0.0.0/8'],
  ['127.255.255.254', 'loopback', '127.0.0.0/8'],
  ['169.254.0.1', 'link_local', '169.254.0.0/16'],
  ['169.254.169.254', 'metadata', '169.254.169.254/32'],
  ['169.254.170.2', 'link_local', '169.254.0.0/16'],
  ['192.0.0.8', 'reserved', '192.0.0.0/24'],
  ['192.0.2.10', 'documentation', '192.0.2.0/24'],
  ['192.88.99.1', 'reserved', '192.88.99.0/24'],
  ['198.18.0.1', 'benchmarking', '198.18.0.0/15'],
  ['198.19.255.255', 'benchmarking', '198.18.0.0/15'],
  ['198.51.100.7', 'documentation', '198.51.100.0/24'],
  ['203.0.113.9', 'documentation', '203.0.113.0/24'],
  ['224.0.0.1', 'multicast', '224.0.0.0/4'],
  ['239.255.255.250', 'multicast', '224.0.0.0/4'],
  ['240.0.0.1', 'reserved', '240.0.0.0/4'],
  ['255.255.255.254', 'reserved', '240.0.0.0/4'],
  ['255.255.255.255', 'broadcast', '255.255.255.255/32'],
  ['::', 'unspecified', '::/128'],
  ['::1', 'loopback', '::1/128'],
  ['::2', 'reserved', '::/3'],
  ['::127.0.0.1', 'reserved', '::/3'], // deprecated IPv4-compatible form
  ['100::1', 'reserved', '100::/64'],
  ['4000::1', 'reserved', '4000::/2'],
  ['5f00::1', 'reserved', '4000::/2'],
  ['2001::1', 'teredo', '2001::/32'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo', '2001::/32'],
  ['2001:2::1', 'benchmarking', '2001:2::/48'],
  ['2001:10::1', 'reserved', '2001:10::/28'],
  ['2001:db8::1', 'documentation', '2001:db8::/32'],
  ['3fff:fff::1', 'documentation', '3fff::/20'],
  ['fc00::1', 'private', 'fc00::/7'],
  ['fdff:ffff::1', 'private', 'fc00::/7'],
  ['fd00:ec2::254', 'metadata', 'fd00:ec2::254/128'],
  ['FD00:EC2:0:0:0:0:0:254', 'metadata', 'fd00:ec2::254/128'],
  ['fd00:ec2::253', 'private', 'fc00::/7'],
  ['fe80::1', 'link_local', 'fe80::/10'],
  ['febf:ffff::1', 'link_local', 'fe80::/10'],
  ['fe80::1%eth0', 'link_local', 'fe80::/10'],
  ['fec0::1', 'private', 'fec0::/10'],
  ['ff02::1', 'multicast', 'ff00::/8'],
  ['8000::1', 'reserved', '8000::/1'],
];

// [address, via, embedded IPv4, range]
const EMBEDDED_BLOCKED: [string, string, string, string][] = [
  ['::ffff:127.0.0.1', 'ipv4_mapped', '127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'ipv4_mapped', '127.0.0.1', 'loopback'],
  ['::ffff:169.254.169.254', 'ipv4_mapped', '169.254.169.254', 'metadata'],
  ['::ffff:10.1.2.3', 'ipv4_mapped', '10.1.2.3', 'private'],
  ['::ffff:0.0.0.0', 'ipv4_mapped', '0.0.0.0', 'unspecified'],
  ['::ffff:0:192.168.0.1', 'ipv4_translated', '192.168.0.1', 'private'],
  ['64:ff9b::127.0.0.1', 'nat64', '127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'nat64', '169.254.169.254', 'metadata'],
  ['64:ff9b::100.64.0.1', 'nat64', '100.64.0.1', 'cgnat'],
  ['64:ff9b:1::10.0.0.1', 'nat64', '10.0.0.1', 'private'],
  ['2002:7f00:1::', '6to4', '127.0.0.1', 'loopback'],
  ['2002:a9fe:a9fe::1', '6to4', '169.254.169.254', 'metadata'],
  ['2002:c0a8:101:1::1', '6to4', '192.168.1.1', 'private'],
];

const PUBLIC = [
  '1.1.1.1',
  '8.8.8.8',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '2000::1',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '3ffe::1',
];

const EMBEDDED_PUBLIC: [string, string][] = [
  ['::ffff:8.8.8.8', '8.8.8.8'],
  ['64:ff9b::1.1.1.1', '1.1.1.1'],
  ['64:ff9b:1::8.8.4.4', '8.8.4.4'],
  ['2002:808:808::1', '8.8.8.8'],
];

describe('classifyAddress', () => {
  it.each(BLOCKED)('refuses %s as %s (%s)', (address, range, network) => {
    const verdict = classifyAddress(address);
    expect(verdict).toMatchObject({ blocked: true, address, range, network });
    expect(verdict.blocked && verdict.description.length).toBeGreaterThan(10);
  });

  it.each(EMBEDDED_BLOCKED)('refuses %s (%s of %s, %s)', (address, via, embeddedIpv4, range) => {
    const verdict = classifyAddress(address);
    expect(verdict).toMatchObject({ blocked: true, via, embeddedIpv4, range });
    expect(verdict.blocked && verdict.description).toContain(embeddedIpv4);
  });

  it.each(PUBLIC)('allows the public address %s', (address) => {
    expect(classifyAddress(address)).toEqual({ blocked: false, address });
  });

  it.each(EMBEDDED_PUBLIC)('allows %s, which reaches the public %s', (address, embedded) => {
    expect(classifyAddress(address)).toEqual({ blocked: false, address, embeddedIpv4: embedded });
    expect(embeddedIpv4Of(address)).toBe(embedded);
  });

  it('refuses a local-use NAT64 address whose IPv4 position is unknown', () => {
    expect(classifyAddress('64:ff9b:1:a00:1::')).toMatchObject({ blocked: true, range: 'nat64_local' });
  });

  it('covers every listed range: its first address is refused under its own name', () => {
    for (const range of SPECIAL_RANGES) {
      const first = range.text.split('/')[0]!;
      const verdict = classifyAddress(first);
      expect(verdict.blocked, range.text).toBe(true);
      // A more specific entry may start at the same address (0.0.0.0/32 inside 0.0.0.0/8).
      const sameStart = SPECIAL_RANGES.filter(
        (r) => r.text.split('/')[0] === first && r.cidr.prefix > range.cidr.prefix,
      );
      if (sameStart.length === 0 && verdict.blocked) expect(verdict.network).toBe(range.text);
    }
  });

  it('throws on text that is not an address', () => {
    expect(() => classifyAddress('localhost')).toThrow(TypeError);
  });
});
