import { type Cidr, cidrContains, parseCidr } from './cidr.js';
import { formatIp, type IpAddress, parseIp } from './ip-address.js';
import { type RangeName, SPECIAL_RANGES } from './special-ranges.js';

/** IPv6 forms that carry an IPv4 address; the IPv4 address is what decides. */
export type Embedding = 'ipv4_mapped' | 'ipv4_translated' | 'nat64' | '6to4';

/** The verdict on one address. */
export type AddressClassification =
  | { blocked: false; address: string; embeddedIpv4?: string }
  | {
      blocked: true;
      address: string;
      range: RangeName;
      /** The refused network, e.g. `127.0.0.0/8`. */
      network: string;
      /** What the network is, in words an operator understands. */
      description: string;
      /** Set when the IPv6 address embeds the IPv4 address that was refused. */
      via?: Embedding;
      embeddedIpv4?: string;
    };

interface EmbeddingRule {
  via: Embedding;
  cidr: Cidr;
  description: string;
  /** Right shift that brings the IPv4 address to the low 32 bits. */
  shift: bigint;
}

// Each of these reaches the embedded IPv4 host: the kernel (IPv4-mapped), a translator (NAT64,
// SIIT) or a relay (6to4). So ::ffff:127.0.0.1 is loopback, while 64:ff9b::8.8.8.8 is a public
// host reached through the network's NAT64 gateway and stays allowed.
const EMBEDDINGS: readonly EmbeddingRule[] = [
  { via: 'ipv4_mapped', cidr: parseCidr('::ffff:0:0/96'), description: 'an IPv4-mapped IPv6 address', shift: 0n },
  {
    via: 'ipv4_translated',
    cidr: parseCidr('::ffff:0:0:0/96'),
    description: 'an IPv4-translated IPv6 address',
    shift: 0n,
  },
  { via: 'nat64', cidr: parseCidr('64:ff9b::/96'), description: 'a NAT64 address (RFC 6052)', shift: 0n },
  { via: '6to4', cidr: parseCidr('2002::/16'), description: 'a 6to4 address (RFC 3056)', shift: 80n },
];

// RFC 8215's local-use NAT64 prefix: the operator picks the prefix length, so the IPv4 address
// can sit at several positions. Only the common /96 form (bits 48–95 zero) can be read safely;
// any other form is refused because its target cannot be known.
const NAT64_LOCAL = parseCidr('64:ff9b:1::/48');
const NAT64_LOCAL_96_MASK = ((1n << 48n) - 1n) << 32n;

function lookupTable(ip: IpAddress): { range: RangeName; network: string; description: string } | undefined {
  const match = SPECIAL_RANGES.find((range) => cidrContains(range.cidr, ip));
  return match && { range: match.name, network: match.text, description: match.description };
}

function classifyEmbedded(address: string, v4: IpAddress, via: Embedding, what: string): AddressClassification {
  const embeddedIpv4 = formatIp(v4);
  const inner = lookupTable(v4);
  if (!inner) return { blocked: false, address, embeddedIpv4 };
  return {
    blocked: true,
    address,
    ...inner,
    description: `${what} that reaches ${embeddedIpv4}, in ${inner.description}`,
    via,
    embeddedIpv4,
  };
}

/**
 * Classifies an IPv4 or IPv6 address: blocked (with the range and why) or not. Throws a
 * `TypeError` for text that is not an IP address; resolve host names first.
 */
export function classifyAddress(address: string): AddressClassification {
  const ip = parseIp(address);
  if (!ip) throw new TypeError(`"${address}" is not an IP address`);
  if (ip.family === 6) {
    for (const rule of EMBEDDINGS) {
      if (cidrContains(rule.cidr, ip)) {
        const v4: IpAddress = { family: 4, value: (ip.value >> rule.shift) & 0xffffffffn };
        return classifyEmbedded(address, v4, rule.via, rule.description);
      }
    }
    if (cidrContains(NAT64_LOCAL, ip)) {
      if ((ip.value & NAT64_LOCAL_96_MASK) === 0n) {
        const v4: IpAddress = { family: 4, value: ip.value & 0xffffffffn };
        return classifyEmbedded(address, v4, 'nat64', 'a local-use NAT64 address (RFC 8215)');
      }
      return {
        blocked: true,
        address,
        range: 'nat64_local',
        network: '64:ff9b:1::/48',
        description: 'a local-use NAT64 address (RFC 8215) whose embedded IPv4 address cannot be located',
      };
    }
  }
  const match = lookupTable(ip);
  return match ? { blocked: true, address, ...match } : { blocked: false, address };
}

/** The IPv4 address an IPv6 address reaches through mapping, NAT64 or 6to4, if any. */
export function embeddedIpv4Of(address: string): string | undefined {
  return classifyAddress(address).embeddedIpv4;
}
