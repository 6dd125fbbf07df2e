// A small, dependency-free harness: runs each candidate in short interleaved rounds and keeps
// the median ops/s, so a noisy moment on a 2-core machine does not decide a ratio.
import os from 'node:os';

/** Runs `fn` repeatedly for about `ms` milliseconds; returns ops/s. Awaits only when `fn` is async. */
export async function measure(fn, { ms = 400, isAsync = false } = {}) {
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 100; i++) {
      if (isAsync) await fn();
      else fn();
    }
    ops += 100;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

/** Measures every candidate `rounds` times, interleaved; returns the median ops/s of each. */
export async function compare(candidates, { rounds = 5, ms = 400 } = {}) {
  for (const c of candidates) await measure(c.fn, { ms: 100, isAsync: c.isAsync }); // warm-up
  const samples = new Map(candidates.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of candidates) samples.get(c.name).push(await measure(c.fn, { ms, isAsync: c.isAsync }));
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return new Map([...samples].map(([name, xs]) => [name, median(xs)]));
}

/** One line describing the machine, for the record. */
export function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}
