import { bitsOf, formatIp, type IpAddress, parseIp } from './ip-address.js';

/** A network in CIDR form: the address with its host bits zero, and the prefix length. */
export interface Cidr {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

/** Why {@link parseCidr} refused a text; the message names the text and, where it can, the fix. */
export class CidrSyntaxError extends Error {
  override readonly name = 'CidrSyntaxError';
  readonly code = 'invalid_cidr';
  constructor(
    message: string,
    /** The text that did not parse. */
    readonly input: string,
  ) {
    super(message);
  }
}

function hostMask(family: 4 | 6, prefix: number): bigint {
  return (1n << BigInt(bitsOf(family) - prefix)) - 1n;
}

/**
 * Parses `10.0.0.0/8`, `fc00::/7`, or a bare address (a single-host network). Host bits must be
 * zero: `192.168.1.0/16` is almost always a typo for `/24`, and silently widening it would
 * allow 65,536 addresses instead of 256.
 */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addressText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const address = parseIp(addressText);
  if (!address) throw new CidrSyntaxError(`"${text}" is not an IPv4 or IPv6 address or CIDR network`, text);
  const bits = bitsOf(address.family);
  let prefix = bits as number;
  if (slash !== -1) {
    const prefixText = trimmed.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
      throw new CidrSyntaxError(`"${text}" has an invalid prefix length (0 to ${bits} for IPv${address.family})`, text);
    }
    prefix = Number(prefixText);
  }
  const mask = hostMask(address.family, prefix);
  if ((address.value & mask) !== 0n) {
    const network = formatIp({ family: address.family, value: address.value & ~mask });
    throw new CidrSyntaxError(`"${text}" has host bits set; did you mean ${network}/${prefix}?`, text);
  }
  return { family: address.family, network: address.value, prefix };
}

/** True when the address lies in the network (families must match: IPv4-mapped IPv6 is not IPv4 here). */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  return (ip.value & ~hostMask(cidr.family, cidr.prefix)) === cidr.network;
}

/** The canonical text of a network, e.g. `fc00::/7`. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ family: cidr.family, value: cidr.network })}/${cidr.prefix}`;
}
