import { type Cidr, CidrSyntaxError, cidrContains, parseCidr } from './cidr.js';
import { classifyAddress } from './classify-address.js';
import { parseIp } from './ip-address.js';

/** The environment variable operators set to allow internal destinations, e.g. `127.0.0.0/8,hooks.internal`. */
export const ALLOW_NETWORKS_ENV = 'HOOKLINE_ALLOW_NETWORKS';

/** Networks and host names exempt from the SSRF guard. */
export interface AllowList {
  networks: readonly Cidr[];
  /** Lower-case host names; `*.example.com` allows every subdomain of example.com (not example.com itself). */
  hostnames: readonly string[];
}

/** Allows nothing: the guard's default. */
export const EMPTY_ALLOW_LIST: AllowList = Object.freeze({ networks: [], hostnames: [] });

/** An allowlist entry that is neither a network nor a host name; the message names the entry. */
export class AllowNetworksError extends Error {
  override readonly name = 'AllowNetworksError';
  readonly code = 'invalid_allow_networks';
  constructor(
    message: string,
    /** The entry that did not parse. */
    readonly entry: string,
  ) {
    super(message);
  }
}

const HOSTNAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function normaliseHostname(hostname: string): string {
  const lower = hostname.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Entries that look like an address are parsed as one, so `10.0.0.0/33` is an error rather than a host name. */
function looksLikeAddress(entry: string): boolean {
  return entry.includes('/') || entry.includes(':') || /^[0-9.]+$/.test(entry);
}

/**
 * Parses `HOOKLINE_ALLOW_NETWORKS`: comma-separated CIDR networks, bare addresses and host names
 * (`127.0.0.0/8, ::1, hooks.internal, *.svc.cluster.local`). Blank entries are ignored; an
 * invalid entry throws {@link AllowNetworksError} so a typo never silently allows nothing.
 */
export function parseAllowNetworks(input: string | readonly string[] | undefined): AllowList {
  const entries = (typeof input === 'string' ? input.split(',') : (input ?? [])).map((e) => e.trim()).filter(Boolean);
  const networks: Cidr[] = [];
  const hostnames: string[] = [];
  for (const entry of entries) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
      const host = entry.replace(/^[^:]+:\/\/([^/:?#]*).*$/, '$1');
      throw new AllowNetworksError(
        `${ALLOW_NETWORKS_ENV}: "${entry}" is a URL; write its host name (${host}) or a network instead`,
        entry,
      );
    }
    if (looksLikeAddress(entry)) {
      try {
        networks.push(parseCidr(entry));
      } catch (error) {
        const reason = error instanceof CidrSyntaxError ? error.message : String(error);
        throw new AllowNetworksError(`${ALLOW_NETWORKS_ENV}: ${reason}`, entry);
      }
      continue;
    }
    const hostname = normaliseHostname(entry);
    if (!HOSTNAME.test(hostname)) {
      throw new AllowNetworksError(
        `${ALLOW_NETWORKS_ENV}: "${entry}" is neither a CIDR network (10.0.0.0/8, fc00::/7), an address, nor a host name`,
        entry,
      );
    }
    hostnames.push(hostname);
  }
  return { networks, hostnames };
}

/** Reads {@link ALLOW_NETWORKS_ENV} from the environment (unset means nothing is allowed). */
export function allowNetworksFromEnv(env: Record<string, string | undefined> = process.env): AllowList {
  return parseAllowNetworks(env[ALLOW_NETWORKS_ENV]);
}

/** True when the destination's host name is allowlisted (exactly, or under a `*.` entry). */
export function isHostnameAllowed(allow: AllowList, hostname: string): boolean {
  const name = normaliseHostname(hostname);
  return allow.hostnames.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) : name === entry));
}

/**
 * True when the address lies in an allowed network. An IPv6 address that embeds an IPv4 one
 * (`::ffff:127.0.0.1`) is also allowed when the embedded address is, since that is where it leads.
 */
export function isAddressAllowed(allow: AllowList, address: string): boolean {
  if (allow.networks.length === 0) return false;
  const ip = parseIp(address);
  if (!ip) return false;
  if (allow.networks.some((cidr) => cidrContains(cidr, ip))) return true;
  const embedded = ip.family === 6 ? classifyAddress(address).embeddedIpv4 : undefined;
  const v4 = embedded === undefined ? undefined : parseIp(embedded);
  return v4 !== undefined && allow.networks.some((cidr) => cidrContains(cidr, v4));
}
