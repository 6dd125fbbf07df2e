// npm run bench:http: requests/s and latency of a webhook endpoint over real HTTP, in one run:
//   floor                     bare node:http answering 204 without reading the body
//   floor-read-body           bare node:http reading the whole body, then answering 204
//   floor-verify              the least a verifier does, by hand: HMAC, compare, JSON.parse
//   hookline                  node:http + createNodeMiddleware (verify, parse, validate, route, dedupe)
//   express+standardwebhooks  what users write today
// Each server runs in its own process; autocannon generates load from this one. Every request
// is a fresh, correctly signed delivery with a unique event id, so dedupe never short-cuts.
// `--write` replaces the "HTTP receiving" section of docs/benchmarks.md with the results.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { checkBehaviour, delivery, startServer, stopServer } from './http-processes.mjs';
import { judge, renderSection, renderTable, verdictText, writeSection } from './http-report.mjs';
import { TARGETS } from './http-servers.mjs';

const args = new Set(process.argv.slice(2));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

// Read before pinning: taskset narrows what this process sees.
const NPROC = os.availableParallelism();

// On a machine with 2+ cores, pin the load generator (this process) to core 0 and each server to
// core 1, so they do not take turns on the same core and the run is repeatable.
const pinned = NPROC >= 2 && process.env.BENCH_PIN !== '0' && hasTaskset();
function hasTaskset() {
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Deliveries are signed before each timed run, so the load generator (which shares the machine)
// spends its CPU on HTTP, not HMAC; if a fast server drains the pool, signing continues inline.
let pool = [];
function prepare(count) {
  pool = Array.from({ length: count }, delivery);
}
const next = () => pool.pop() ?? delivery();

/** `started` runs once the deliveries are signed, just before the load begins. */
function load(url, seconds, started = () => undefined) {
  prepare(seconds * 60_000);
  started();
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { body, headers } = next();
          return { ...request, body, headers };
        },
      },
    ],
  });
}

async function runOnce(target) {
  const server = await startServer(target, { core: pinned ? 1 : undefined });
  let result;
  let usage;
  try {
    await checkBehaviour(target, server.url);
    await load(server.url, 1); // warm-up: JIT, connection pools
    // The server's CPU window starts after the signing, so its wall time is the load's.
    result = await load(server.url, SECONDS, () => server.child.kill('SIGUSR2'));
  } finally {
    usage = await stopServer(server);
  }
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${target}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ...usage };
}

function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? os.cpus()[0]?.model;
  return { cpu, nproc: NPROC, node: process.version };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const samples = new Map(TARGETS.map((t) => [t, []]));
// Interleaved rounds, so a noisy moment on a shared machine does not land on one target only.
for (let round = 1; round <= ROUNDS; round++) {
  for (const target of TARGETS) {
    const sample = await runOnce(target);
    samples.get(target).push(sample);
    console.error(
      `round ${round} ${target}: ${Math.round(sample.rps)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms, server CPU ${sample.cpu?.toFixed(1)} µs/req, core ${((sample.busy ?? Number.NaN) * 100).toFixed(0)} % busy`,
    );
  }
}

const results = new Map(
  [...samples].map(([target, xs]) => [
    target,
    {
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p99: median(xs.map((x) => x.p99)),
      cpu: median(xs.map((x) => x.cpu ?? Number.NaN)),
      busy: median(xs.map((x) => x.busy ?? Number.NaN)),
      low: Math.min(...xs.map((x) => x.rps)),
      high: Math.max(...xs.map((x) => x.rps)),
    },
  ]),
);
const m = machine();
const run = {
  machine: m,
  pinned,
  connections: CONNECTIONS,
  rounds: ROUNDS,
  seconds: SECONDS,
  date: new Date().toISOString().slice(0, 10),
};
console.log(`\n${renderTable(results)}\n\n${verdictText(results, judge(results))}\n`);
console.log(`machine: ${m.cpu}, nproc ${m.nproc}, Node ${m.node}, pinned: ${pinned}`);

if (args.has('--write')) {
  writeSection(renderSection(results, run));
  console.log('docs/benchmarks.md updated');
}
