import { type Cidr, parseCidr } from './cidr.js';

/** The kinds of address the relay refuses to deliver to unless allowlisted; metrics and errors use these names. */
export type RangeName =
  | 'unspecified'
  | 'this_network'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'metadata'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'teredo'
  | 'nat64_local'
  | 'reserved';

/** One refused network, with the words an operator reads in the error. */
export interface SpecialRange {
  name: RangeName;
  cidr: Cidr;
  /** The network as written, e.g. `169.254.0.0/16`. */
  text: string;
  description: string;
}

// Sources: the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890) and the cloud
// providers' metadata endpoints. The most specific match wins, so 169.254.169.254 reports
// `metadata` rather than `link_local`. Networks that embed an IPv4 address (IPv4-mapped,
// NAT64, 6to4) are not listed here: classify-address.ts checks the embedded address instead.
const TABLE: readonly [string, RangeName, string][] = [
  // IPv4
  ['0.0.0.0/32', 'unspecified', 'the unspecified address (Linux connects it to the local host)'],
  ['0.0.0.0/8', 'this_network', '"this network" (RFC 791)'],
  ['10.0.0.0/8', 'private', 'a private network (RFC 1918)'],
  ['100.64.0.0/10', 'cgnat', 'carrier-grade NAT shared address space (RFC 6598), often internal to clouds'],
  ['100.100.100.200/32', 'metadata', 'the Alibaba Cloud instance metadata service'],
  ['127.0.0.0/8', 'loopback', 'the loopback network (the relay host itself)'],
  ['169.254.0.0/16', 'link_local', 'the link-local network (RFC 3927)'],
  ['169.254.169.254/32', 'metadata', 'the cloud instance metadata service (AWS, GCP, Azure, OCI)'],
  ['172.16.0.0/12', 'private', 'a private network (RFC 1918)'],
  ['192.0.0.0/24', 'reserved', 'the IETF protocol assignments network (RFC 6890)'],
  ['192.0.2.0/24', 'documentation', 'a documentation network (TEST-NET-1, RFC 5737)'],
  ['192.88.99.0/24', 'reserved', 'the deprecated 6to4 relay anycast network (RFC 7526)'],
  ['192.168.0.0/16', 'private', 'a private network (RFC 1918)'],
  ['198.18.0.0/15', 'benchmarking', 'the benchmarking network (RFC 2544)'],
  ['198.51.100.0/24', 'documentation', 'a documentation network (TEST-NET-2, RFC 5737)'],
  ['203.0.113.0/24', 'documentation', 'a documentation network (TEST-NET-3, RFC 5737)'],
  ['224.0.0.0/4', 'multicast', 'the multicast range'],
  ['240.0.0.0/4', 'reserved', 'the reserved class E range'],
  ['255.255.255.255/32', 'broadcast', 'the limited broadcast address'],
  // IPv6. Only 2000::/3 is global unicast; the rest of the space is either listed more
  // specifically below or reserved by the IETF, so nothing legitimate is refused by the
  // three catch-all entries.
  ['::/3', 'reserved', 'IPv6 space reserved by the IETF (outside global unicast 2000::/3)'],
  ['4000::/2', 'reserved', 'IPv6 space reserved by the IETF (outside global unicast 2000::/3)'],
  ['8000::/1', 'reserved', 'IPv6 space reserved by the IETF (outside global unicast 2000::/3)'],
  ['::/128', 'unspecified', 'the unspecified address (Linux connects it to the local host)'],
  ['::1/128', 'loopback', 'the loopback address (the relay host itself)'],
  ['100::/64', 'reserved', 'the discard-only network (RFC 6666)'],
  ['2001::/32', 'teredo', 'a Teredo tunnel (RFC 4380), which can reach any IPv4 host behind a NAT'],
  ['2001:2::/48', 'benchmarking', 'the benchmarking network (RFC 5180)'],
  ['2001:10::/28', 'reserved', 'the deprecated ORCHID network (RFC 4843)'],
  ['2001:db8::/32', 'documentation', 'the documentation network (RFC 3849)'],
  ['3fff::/20', 'documentation', 'the documentation network (RFC 9637)'],
  ['fc00::/7', 'private', 'a unique local (private) network (RFC 4193)'],
  ['fd00:ec2::254/128', 'metadata', 'the AWS instance metadata service (IPv6)'],
  ['fe80::/10', 'link_local', 'the link-local network'],
  ['fec0::/10', 'private', 'the deprecated site-local network (RFC 3879)'],
  ['ff00::/8', 'multicast', 'the multicast range'],
];

/** Every refused network, most specific first (the first match is the answer). */
export const SPECIAL_RANGES: readonly SpecialRange[] = TABLE.map(([text, name, description]) => ({
  name,
  cidr: parseCidr(text),
  text,
  description,
})).sort((a, b) => b.cidr.prefix - a.cidr.prefix);
