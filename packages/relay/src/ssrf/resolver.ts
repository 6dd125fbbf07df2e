import { lookup } from 'node:dns/promises';

/** One answer for a host name. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has. Injectable so tests can answer with any
 * address (including a rebinding sequence) without touching DNS.
 */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/**
 * The system resolver (getaddrinfo, so /etc/hosts and the search path apply, as for any other
 * program on the host). All answers are returned in the system's order, so every one is checked.
 */
export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, order: 'verbatim' });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};
