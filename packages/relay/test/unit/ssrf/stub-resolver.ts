import type { Resolver } from '../../../src/ssrf/resolver.js';

/**
 * A resolver that answers from a script: each call for a host takes the next answer in its
 * list (the last one repeats). Nothing reaches DNS.
 */
export function scriptedResolver(script: Record<string, string[][]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    const answers = script[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const seen = calls.filter((h) => h === hostname).length;
    calls.push(hostname);
    const answer = answers[Math.min(seen, answers.length - 1)]!;
    return answer.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(resolve, { calls });
}
