import { describe, expect, it } from 'vitest';
import {
  ALLOW_NETWORKS_ENV,
  AllowNetworksError,
  allowNetworksFromEnv,
  isAddressAllowed,
  isHostnameAllowed,
  parseAllowNetworks,
} from '../../../src/ssrf/allow-networks.js';
import { formatCidr } from '../../../src/ssrf/cidr.js';

describe('parseAllowNetworks', () => {
  it('reads networks, bare addresses and host names, ignoring blanks and spaces', () => {
    const allow = parseAllowNetworks(' 127.0.0.0/8, ::1 ,, Hooks.Internal., *.svc.cluster.local,10.1.2.3');
    expect(allow.networks.map(formatCidr)).toEqual(['127.0.0.0/8', '::1/128', '10.1.2.3/32']);
    expect(allow.hostnames).toEqual(['hooks.internal', '*.svc.cluster.local']);
  });

  it('allows nothing when unset or empty', () => {
    expect(parseAllowNetworks(undefined)).toEqual({ networks: [], hostnames: [] });
    expect(parseAllowNetworks('  ')).toEqual({ networks: [], hostnames: [] });
    expect(allowNetworksFromEnv({})).toEqual({ networks: [], hostnames: [] });
  });

  it('reads the environment variable', () => {
    const allow = allowNetworksFromEnv({ [ALLOW_NETWORKS_ENV]: '192.168.0.0/16' });
    expect(allow.networks.map(formatCidr)).toEqual(['192.168.0.0/16']);
  });

  it.each([
    ['10.0.0.0/33', /HOOKLINE_ALLOW_NETWORKS: "10.0.0.0\/33" has an invalid prefix length/],
    ['300.0.0.1', /is not an IPv4 or IPv6 address/],
    ['192.168.1.0/16', /did you mean 192\.168\.0\.0\/16/],
    ['hooks internal', /is neither a CIDR network/],
    ['http://hooks.internal', /is a URL; write its host name \(hooks\.internal\)/],
    ['*', /is neither a CIDR network/],
  ])('refuses %j with a message naming the entry', (entry, message) => {
    expect(() => parseAllowNetworks(`127.0.0.0/8,${entry}`)).toThrow(message);
    try {
      parseAllowNetworks(entry);
    } catch (error) {
      expect(error).toBeInstanceOf(AllowNetworksError);
      expect((error as AllowNetworksError).entry).toBe(entry);
    }
  });
});

describe('isAddressAllowed', () => {
  const allow = parseAllowNetworks('127.0.0.0/8,fd12:3456::/32');

  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['128.0.0.1', false],
    ['fd12:3456::1', true],
    ['fd12:3457::1', false],
    ['::1', false],
    // An IPv6 form that leads to an allowed IPv4 address is allowed too.
    ['::ffff:127.0.0.1', true],
    ['64:ff9b::127.0.0.2', true],
    ['::ffff:10.0.0.1', false],
    ['not-an-address', false],
  ])('%s → %s', (address, expected) => {
    expect(isAddressAllowed(allow, address)).toBe(expected);
  });
});

describe('isHostnameAllowed', () => {
  const allow = parseAllowNetworks('hooks.internal,*.svc.cluster.local');

  it.each([
    ['hooks.internal', true],
    ['HOOKS.INTERNAL.', true],
    ['evil-hooks.internal', false],
    ['hooks.internal.evil.com', false],
    ['a.svc.cluster.local', true],
    ['b.a.svc.cluster.local', true],
    ['svc.cluster.local', false],
    ['xsvc.cluster.local', false],
  ])('%s → %s', (hostname, expected) => {
    expect(isHostnameAllowed(allow, hostname)).toBe(expected);
  });
});
