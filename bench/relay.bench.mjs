// npm run bench:relay: the relay's ingress, end-to-end delivery and isolation, on SQLite and on
// PostgreSQL, in one run, against a bare node:http floor measured in the same run.
//   BENCH_RELAY_QUICK=1   smoke run (1,000 events, 2 s of ingress)
//   --write               replace the "Relay" section of docs/benchmarks.md
//   --note "text"         a sentence for that section (e.g. what else was running)
import os from 'node:os';
import { parseArgs } from 'node:util';
import { findPostgres, startReceiver } from './relay-processes.mjs';
import { machine, renderResults, renderSection, writeSection } from './relay-report.mjs';
import { measureEndToEnd, measureFloor, measureIngress } from './relay-scenarios.mjs';
import { medianRun } from './relay-stats.mjs';

const { values: flags } = parseArgs({ options: { write: { type: 'boolean' }, note: { type: 'string' } } });
const env = process.env;
const quick = env.BENCH_RELAY_QUICK === '1';
const settings = {
  events: Number(env.BENCH_RELAY_EVENTS ?? (quick ? 1_000 : 20_000)),
  rate: Number(env.BENCH_RELAY_RATE ?? 1_000),
  seconds: Number(env.BENCH_RELAY_SECONDS ?? (quick ? 2 : 5)),
  connections: Number(env.BENCH_RELAY_CONNECTIONS ?? 50),
  // After the last event is accepted, wait this long for the deliveries: a slower run is
  // reported as incomplete (the missing count as infinitely late), never hangs the bench.
  waitSeconds: quick ? 10 : 20,
  // Unmeasured events sent the same way first to every end-to-end relay (see measureEndToEnd).
  warmup: Number(env.BENCH_RELAY_WARMUP ?? (quick ? 200 : 3_000)),
  // Each measurement this many times on fresh relays, reporting the median run: on a shared
  // 2-core VM one run can differ from the next by 2x or more.
  repeats: Math.max(1, Number(env.BENCH_RELAY_REPEATS ?? (quick ? 1 : 3))),
};
const kinds = (env.BENCH_RELAY_DATABASES ?? 'sqlite,postgres').split(',');
const started = Date.now();
// What else uses the CPU changes every figure here, so the run records it.
const loadAtStart = os.loadavg()[0];
const say = (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

const postgres = kinds.includes('postgres') ? await findPostgres() : { url: undefined, reason: 'not asked for' };
if (kinds.includes('postgres') && !postgres.url) say(`PostgreSQL skipped: ${postgres.reason}`);
const m = machine();
say(
  `${m.cpu}, nproc ${m.nproc}, Node ${m.node}; ${settings.events} events, ${settings.rate}/s${quick ? ' (quick)' : ''}`,
);

const floor = await measureFloor(settings);
say(`floor: ${Math.round(floor.rps)} req/s, p50 ${floor.p50} ms, p99 ${floor.p99} ms`);

const receiver = await startReceiver();
const runs = [];
try {
  for (const kind of kinds) {
    if (kind === 'postgres' && !postgres.url) continue;
    const base = { kind, postgresUrl: postgres.url, receiver, count: settings.events, warmup: settings.warmup };
    const timeoutMs = settings.waitSeconds * 1000;
    const repeat = async (measure) => {
      const all = [];
      for (let i = 0; i < settings.repeats; i++) all.push(await measure(i));
      return all;
    };
    const ingressRuns = await repeat(async () => {
      const run = await measureIngress({ kind, postgresUrl: postgres.url, ...settings });
      if (run.non2xx > 0 || run.errors > 0) {
        throw new Error(`${kind} ingress: ${run.non2xx} non-2xx, ${run.errors} errors\n${run.log.tail.join('\n')}`);
      }
      say(`${kind} ingress: ${Math.round(run.rps)} events/s, p50 ${run.p50} ms, p99 ${run.p99} ms`);
      return run;
    });
    const burstRuns = await repeat(async () => {
      const run = await measureEndToEnd({ ...base, timeoutMs });
      say(
        `${kind} burst: ${Math.round(run.perSecond)} deliveries/s (${run.delivered}/${run.expected}), ${Math.round(run.offeredPerSecond)} events accepted/s`,
      );
      return run;
    });
    // Paced and hanging runs alternate, so a slow minute of the machine weighs on both alike.
    const pacedRuns = [];
    const isolationRuns = [];
    await repeat(async () => {
      const paced = await measureEndToEnd({ ...base, rate: settings.rate, timeoutMs });
      say(
        `${kind} at ${settings.rate}/s: p50 ${paced.p50} ms, p99 ${paced.p99} ms, ${Math.round(paced.perSecond)} deliveries/s (${paced.delivered}/${paced.expected})`,
      );
      pacedRuns.push(paced);
      const isolation = await measureEndToEnd({ ...base, rate: settings.rate, hang: true, timeoutMs });
      say(
        `${kind} one hanging: p50 ${isolation.p50} ms, p99 ${isolation.p99} ms (${isolation.delivered}/${isolation.expected}); hanging queue ${JSON.stringify(isolation.hanging)}`,
      );
      isolationRuns.push(isolation);
    });
    const ingress = medianRun(ingressRuns, (r) => r.rps, 'higher');
    const burst = {
      ...medianRun(burstRuns, (r) => r.perSecond, 'higher'),
      cpuRepeats: burstRuns.map((r) => r.cpuUsPerDelivery),
    };
    const paced = medianRun(pacedRuns, (r) => r.p99, 'lower');
    const isolation = medianRun(isolationRuns, (r) => r.p99, 'lower');
    for (const [name, run] of Object.entries({ burst, paced, isolation })) {
      if (!run.complete) say(`${kind} ${name} incomplete; the relay's last lines:\n${run.log.tail.join('\n')}`);
    }
    runs.push({ kind, ingress, burst, paced, isolation });
  }
} finally {
  await receiver.stop();
}

const results = renderResults({ floor, runs, settings });
console.log(`\n${results.ingress}\n\n${results.e2e}\n\n${results.verdicts.join('\n')}`);
if (results.problems.length) console.log(`\n${results.problems.join('\n')}`);
console.log(
  `\nmachine: ${m.cpu}, nproc ${m.nproc}, Node ${m.node}; load average ${loadAtStart.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
);
if (flags.write) {
  const note = [
    postgres.url ? `${postgres.version}, on the same machine.` : `PostgreSQL was not measured (${postgres.reason}).`,
    flags.note,
  ]
    .filter(Boolean)
    .join(' ');
  const load = { start: loadAtStart, end: os.loadavg()[0] };
  writeSection(renderSection(results, { runs, settings, note, load }));
  console.log('docs/benchmarks.md updated (Relay section)');
}
