// Formats the results of `npm run bench:relay` for the terminal and for the "Relay" section
// of docs/benchmarks.md (replaced in place; other sections belong to other benches).
import { readFileSync } from 'node:fs';
import os from 'node:os';

export { writeSection } from './docs-section.mjs';

export const TARGETS = {
  ingressPerSecond: 4_000,
  ingressP99Ms: 25,
  deliveriesPerSecond: 3_000,
  pacedP99Ms: 250,
  isolationChange: 0.2,
};

export function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpu;
  } catch {}
  return {
    cpu,
    nproc: os.availableParallelism(),
    node: process.version,
    date: new Date().toISOString().slice(0, 16).replace('T', ' '),
  };
}

const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const ms = (n) =>
  n === Number.POSITIVE_INFINITY
    ? 'incomplete'
    : Number.isFinite(n)
      ? n < 10
        ? n.toFixed(1)
        : Math.round(n).toString()
      : '–';
const pct = (n) => (Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${(n * 100).toFixed(0)} %` : '–');
const met = (ok) => (ok ? 'met' : '**not met**');
const cpu = (run) => `${int(run.cpuUsPerDelivery?.relay)} / ${int(run.cpuUsPerDelivery?.database)}`;

/** Tables and verdicts from `{ floor, runs: [{ kind, ingress, burst, paced, isolation }] }`. */
export function renderResults({ floor, runs, settings }) {
  const ingressRows = [
    `| floor (bare node:http, 200) | ${int(floor.rps)} | ${floor.p50} | ${floor.p99} | 100 % | ${int(floor.cpuUsPerRequest)} |`,
    ...runs.map(
      (r) =>
        `| relay, ${r.kind} | ${int(r.ingress.rps)} | ${r.ingress.p50} | ${r.ingress.p99} | ${((r.ingress.rps / floor.rps) * 100).toFixed(0)} % | ${int(r.ingress.cpuUsPerRequest)} |`,
    ),
  ];
  const ingress = [
    '| ingress target | events/s | p50 ms | p99 ms | of floor | server CPU µs/request |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...ingressRows,
  ].join('\n');
  const e2e = [
    `| database | burst: deliveries/s | burst: events accepted/s | burst: CPU µs/delivery, relay / PostgreSQL | at ${settings.rate}/s: p50 ms | at ${settings.rate}/s: p99 ms | at ${settings.rate}/s: deliveries/s | of offered | one destination hanging: p99 ms | p99 change |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.map(
      (r) =>
        `| ${r.kind} | ${int(r.burst.perSecond)} | ${int(r.burst.offeredPerSecond)} | ${cpu(r.burst)} | ${ms(r.paced.p50)} | ${ms(r.paced.p99)} | ${int(r.paced.perSecond)} | ${((r.paced.perSecond / (settings.rate * (r.paced.expected / settings.events))) * 100).toFixed(0)} % | ${ms(r.isolation.p99)} | ${pct(r.isolation.p99 / r.paced.p99 - 1)} |`,
    ),
  ].join('\n');
  const verdicts = runs.flatMap((r) => {
    const lines = [];
    if (r.kind === 'sqlite') {
      lines.push(
        `ingress ≥ ${int(TARGETS.ingressPerSecond)} events/s with p99 ≤ ${TARGETS.ingressP99Ms} ms (SQLite): ${int(r.ingress.rps)}/s, p99 ${r.ingress.p99} ms — ${met(r.ingress.rps >= TARGETS.ingressPerSecond && r.ingress.p99 <= TARGETS.ingressP99Ms)}`,
      );
    }
    lines.push(
      `${r.kind}: end to end ≥ ${int(TARGETS.deliveriesPerSecond)} deliveries/s: ${int(r.burst.perSecond)} — ${met(r.burst.perSecond >= TARGETS.deliveriesPerSecond)}`,
      `${r.kind}: p99 ≤ ${TARGETS.pacedP99Ms} ms at ${settings.rate} events/s: ${ms(r.paced.p99)} ms — ${met(r.paced.p99 <= TARGETS.pacedP99Ms)}`,
      `${r.kind}: a hanging destination changes the others' p99 by < ${TARGETS.isolationChange * 100} %: ${pct(r.isolation.p99 / r.paced.p99 - 1)} — ${
        // Two runs that both fall behind differ by how far behind, not by isolation.
        r.paced.p99 <= TARGETS.pacedP99Ms
          ? met(Math.abs(r.isolation.p99 / r.paced.p99 - 1) < TARGETS.isolationChange)
          : '**not judged**: the run without a hanging destination already missed its own p99 target'
      }`,
    );
    return lines;
  });
  const list = (values, format) => (values ?? []).map(format).join(' / ');
  const repeats = runs.map(
    (r) =>
      `${r.kind}: ingress ${list(r.ingress.repeats, int)} events/s; burst ${list(r.burst.repeats, int)} deliveries/s (CPU µs/delivery, relay / PostgreSQL: ${list(r.burst.cpuRepeats, (c) => cpu({ cpuUsPerDelivery: c }))}); p99 at ${settings.rate}/s ${list(r.paced.repeats, ms)} ms; with one destination hanging ${list(r.isolation.repeats, ms)} ms`,
  );
  const problems = runs.flatMap((r) =>
    ['burst', 'paced', 'isolation'].flatMap((name) => {
      const run = r[name];
      const notes = [];
      if (!run.complete)
        notes.push(
          `${r.kind} ${name}: only ${run.delivered} of ${run.expected} deliveries arrived before the deadline`,
        );
      if (run.refused > 0) notes.push(`${r.kind} ${name}: ingress refused ${run.refused} events`);
      if (run.duplicates > 0) notes.push(`${r.kind} ${name}: ${run.duplicates} duplicate deliveries (at least once)`);
      return notes;
    }),
  );
  return { ingress, e2e, verdicts, problems, repeats };
}

export function renderSection(results, { runs, settings, note, load }) {
  const m = machine();
  const hang = runs
    .map(
      (r) =>
        `${r.kind}: ${r.isolation.hanging?.queueDepth ?? '–'} deliveries queued for it, oldest due ${ms(r.isolation.hanging?.oldestDueAgeSeconds)} s`,
    )
    .join('; ');
  return `## Relay (npm run bench:relay)

The relay as a real process (\`hookline relay\`'s \`runRelayCommand\` in a child, with
\`HOOKLINE_ALLOW_NETWORKS=127.0.0.0/8\` and default limits), on a fresh database for every
measurement, measured in one run by \`bench/relay.bench.mjs\`. Each measurement is made
${settings.repeats} times and the tables show the median run (the p99 change compares the median
runs): on this shared 2-core VM one run can differ from the next by 2× or more. The load generator (the bench
process), the receiver and the floor are separate processes on the same machine, all on
loopback; PostgreSQL runs on the same machine too. No core pinning.

- **Ingress**: autocannon (${settings.connections} connections, ${settings.seconds} s after a 1 s
  warm-up) posts signed \`session.*\`/\`vault*\` events, each with a unique id, to
  \`/ingest/bench\` of a relay with no destinations: verify, validate, commit (SQLite
  \`synchronous=FULL\`; PostgreSQL commit), then \`200\`. The floor is a bare \`node:http\` server
  that reads the body and answers 200, loaded the same way. The relay is first checked to
  answer 200 to a good event and 400 to a forged one. *Server CPU* is the user + system time
  the relay (or floor) process used during the timed window per request answered, all its
  threads together: unlike events/s it does not depend on how much of a core the process got,
  and it does not count time spent waiting for an fsync.
- **End to end**: each relay first gets ${int(settings.warmup)} events the same way, unmeasured
  (a relay in service is warm: a cold one spends its first second or two compiling, and at a
  fixed rate near capacity the queue built then takes seconds to drain). Then
  ${int(settings.events)} events to three destinations on a local receiver with
  filters (\`[]\`, \`session.*\`, \`vault.*\`+\`vault_credential.*\`): two deliveries per event,
  ${int(settings.events * 2)} in all. *Burst* sends them as fast as the relay accepts them (64
  parallel requests) and counts deliveries per second from the first send to the last arrival;
  *at ${settings.rate}/s* offers them at a fixed rate and measures created→delivered latency (the
  sender notes \`Date.now()\` as it sends each event, the receiver as each delivery arrives;
  first arrival of each event at each destination). *Of offered* is the delivery rate over
  the rate the events ask for (${settings.rate}/s × 2): below 100 % the relay fell behind. A run that has not delivered everything
  ${settings.waitSeconds} s after its last event was accepted is reported as incomplete, the missing
  deliveries counting as infinitely late. *CPU µs/delivery* is the user + system time, per
  delivery, that the relay process (all its threads) and PostgreSQL (every server process,
  including backends that exited) used from the first event sent to the last delivery's
  arrival: steadier than the rates when the machine is shared, as it counts work, not how much
  of a core the work got.
- **Isolation**: the same run at ${settings.rate}/s with a fourth destination that takes every
  event and never answers (the relay's default 15 s timeout fires, then its circuit breaker
  opens); the p99 is over the three
  answering destinations. At the end: ${hang}.

Machine: ${m.cpu}, nproc ${m.nproc}, Node ${m.node}; ${m.date} UTC.${load ? ` 1-minute load average ${load.start.toFixed(1)} at the start of the run, ${load.end.toFixed(1)} at the end (the bench's own processes included; at the start it shows what else was running).` : ''}${note ? ` ${note}` : ''}

${results.ingress}

${results.e2e}

Every run, in order (the tables show the median one):

${results.repeats.map((line) => `- ${line}`).join('\n')}

Targets (issue 6):

${results.verdicts.map((v) => `- ${v}`).join('\n')}
${results.problems.length ? `\nIn this run: ${results.problems.join('; ')}.\n` : ''}
Rerun: \`npm run bench:relay\` (\`-- --write\` updates this section). \`BENCH_RELAY_QUICK=1\` is a
smoke run (1,000 events, 2 s of ingress); \`BENCH_RELAY_EVENTS\`, \`BENCH_RELAY_RATE\`,
\`BENCH_RELAY_SECONDS\`, \`BENCH_RELAY_CONNECTIONS\`, \`BENCH_RELAY_WARMUP\` (0: measure cold relays), \`BENCH_RELAY_REPEATS\` and \`BENCH_RELAY_DATABASES=sqlite\` tune it;
PostgreSQL comes from \`HOOKLINE_BENCH_POSTGRES_URL\` or \`HOOKLINE_TEST_POSTGRES_URL\`;
\`BENCH_RELAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof"\` profiles the relay process, and any
\`HOOKLINE_*\` variable set for the bench reaches the relay (e.g. \`HOOKLINE_SQLITE_SYNCHRONOUS=NORMAL\`).
`;
}
