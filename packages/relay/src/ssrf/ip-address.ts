/** An IP address as a number: 32 bits for IPv4, 128 bits for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-f]{1,4}$/i;

/** Bits in an address of the family. */
export function bitsOf(family: 4 | 6): 32 | 128 {
  return family === 4 ? 32 : 128;
}

/**
 * Parses strict dotted-decimal IPv4 (`10.0.0.1`). Leading zeros are rejected: `010.0.0.1` is
 * octal to inet_aton and decimal to other parsers, and an allowlist must not be ambiguous.
 */
export function parseIpv4(text: string): IpAddress | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!IPV4_PART.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return { family: 4, value };
}

/** Parses IPv6 in any RFC 4291 text form, with `::`, a dotted IPv4 tail, brackets or a zone id (`%eth0`, ignored). */
export function parseIpv6(input: string): IpAddress | undefined {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [];
  const groups: number[] = [];
  // A dotted IPv4 may only stand in for the last two groups, so only the text's last element may hold one.
  const lastList = halves.length === 2 ? tail : head;
  const last = lastList.at(-1);
  let v4Tail: IpAddress | undefined;
  if (last?.includes('.')) {
    v4Tail = parseIpv4(last);
    if (!v4Tail) return undefined;
    lastList.pop();
  }
  for (const group of [...head, ...tail]) if (!IPV6_GROUP.test(group)) return undefined;
  const explicit = head.length + tail.length + (v4Tail ? 2 : 0);
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  groups.push(...head.map((g) => Number.parseInt(g, 16)));
  for (let i = explicit; i < 8; i++) groups.push(0);
  groups.push(...tail.map((g) => Number.parseInt(g, 16)));
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  if (v4Tail) value = (value << 32n) | v4Tail.value;
  return { family: 6, value };
}

/** Parses an IPv4 or IPv6 address; `undefined` when the text is neither. */
export function parseIp(text: string): IpAddress | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Formats an address canonically: dotted decimal, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1; // RFC 5952: a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
