import { isIP } from 'node:net';
import { errors } from 'undici';
import { DestinationAddressRefusedError } from './address-refused-error.js';
import { type AllowList, EMPTY_ALLOW_LIST, isAddressAllowed, isHostnameAllowed } from './allow-networks.js';
import { classifyAddress } from './classify-address.js';
import { type Resolver, systemResolver } from './resolver.js';

/** How {@link checkDestination} resolves and judges a host. */
export interface CheckDestinationOptions {
  /** Exemptions; default: none. */
  allow?: AllowList;
  /** Default: {@link systemResolver}. */
  resolve?: Resolver;
  /** A lookup slower than this fails like a connect timeout. Default: no limit of its own. */
  resolveTimeoutMs?: number;
}

async function resolveWithin(resolve: Resolver, hostname: string, timeoutMs: number | undefined) {
  if (timeoutMs === undefined) return resolve(hostname);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new errors.ConnectTimeoutError(`resolving ${hostname} took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([resolve(hostname), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves a destination host (an IP literal is taken as is) and returns the addresses that
 * may be connected to, in resolver order. Refused answers that are not allowlisted are dropped;
 * when none is left, throws {@link DestinationAddressRefusedError} naming the first refused one.
 * Dropping rather than refusing the whole host is as safe (only returned addresses are ever
 * connected to) and keeps `localhost` working with `127.0.0.0/8` allowed although it also
 * resolves to `::1`. A host name on the allowlist skips the check: the operator trusts its DNS.
 */
export async function checkDestination(hostname: string, options: CheckDestinationOptions = {}): Promise<string[]> {
  const allow = options.allow ?? EMPTY_ALLOW_LIST;
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const literal = isIP(host) !== 0;
  const addresses = literal
    ? [host]
    : (await resolveWithin(options.resolve ?? systemResolver, host, options.resolveTimeoutMs)).map((a) => a.address);
  if (addresses.length === 0) {
    throw Object.assign(new Error(`${host} has no addresses`), { code: 'ENOTFOUND', hostname: host });
  }
  if (!literal && isHostnameAllowed(allow, host)) return addresses;
  const usable: string[] = [];
  let firstRefused: DestinationAddressRefusedError | undefined;
  for (const address of addresses) {
    const verdict = classifyAddress(address);
    if (!verdict.blocked || isAddressAllowed(allow, address)) usable.push(address);
    else firstRefused ??= new DestinationAddressRefusedError({ hostname: host, ...verdict });
  }
  if (usable.length === 0 && firstRefused) throw firstRefused;
  return usable;
}
