import { randomBytes } from 'node:crypto';
import { booleanFlag, type Command, listFlag, numberFlag, stringFlag } from '../command.js';
import { println } from '../io.js';
import { palette, wantsDecoration } from '../output/color.js';
import { formatReport } from '../output/format-report.js';
import { ProgressBar } from '../output/progress.js';
import { SCENARIO_NAMES } from '../simulate/lifecycles.js';
import { buildPlan } from '../simulate/plan.js';
import { buildReport } from '../simulate/report.js';
import { runPlan } from '../simulate/run.js';
import { UsageError } from '../usage-error.js';
import { parseTimeFlag } from '../util/parse-time.js';
import { parseHttpUrl } from '../util/post.js';
import { resolveKeys } from '../util/signing-key.js';
import { suggest } from '../util/suggest.js';

function parseScenarios(raw: string | undefined): string[] {
  if (raw === undefined || raw === 'all') return SCENARIO_NAMES;
  const names = raw.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!SCENARIO_NAMES.includes(name)) {
      const close = suggest(name, SCENARIO_NAMES);
      throw new UsageError(
        `unknown scenario "${name}"${close.length ? `; did you mean ${close.join(', ')}?` : ''} (one of: all, ${SCENARIO_NAMES.join(', ')})`,
        'simulate',
      );
    }
  }
  return names;
}

/** `hookline simulate`: the platform emulator. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Emulate the platform: realistic lifecycles delivered with its retries, reordering and auto-disable.',
  usage: [
    'hookline simulate --to URL [--key KEY] [--scenario NAME|all] [--sessions N] [--rate R]',
    '                  [--duplicates P] [--reorder P] [--forged P] [--time-scale X] [--seed S]',
  ],
  details: [
    'Each event gets up to 3 attempts with jittered exponential backoff between 5 and 120 s, the same',
    'id and body each time, a re-stamped webhook-timestamp and a fresh signature; deliveries run',
    'concurrently with no ordering. A 3xx disables the endpoint at once and stops the run, as do',
    '--disable-after seconds of uninterrupted failure. Every platform delay (arrivals, lifecycle gaps,',
    'backoff, the disable window) is multiplied by --time-scale; the request timeout is not.',
    `Scenarios: ${SCENARIO_NAMES.join(', ')}.`,
    'Exit 0 when every event was acknowledged and every forgery rejected; 1 when any event was',
    'dropped or any forgery accepted; 3 when the endpoint was auto-disabled.',
  ],
  options: {
    to: { type: 'string', value: 'URL', description: 'The endpoint to deliver to (required).' },
    key: {
      type: 'string',
      multiple: true,
      value: 'KEY',
      description: 'Signing key (default ANTHROPIC_WEBHOOK_SIGNING_KEY).',
    },
    scenario: {
      type: 'string',
      value: 'NAME|all',
      description: 'Lifecycle(s) to generate, comma-separated (default all).',
    },
    sessions: { type: 'string', value: 'N', description: 'How many lifecycles to generate (default 10).' },
    rate: { type: 'string', value: 'R', description: 'New lifecycles per second, Poisson arrivals (default 1).' },
    duplicates: {
      type: 'string',
      value: 'P',
      description: 'Probability of an extra duplicate delivery per event (default 0).',
    },
    reorder: {
      type: 'string',
      value: 'P',
      description: 'Probability an event is held back behind the next one (default 0).',
    },
    forged: { type: 'string', value: 'P', description: 'Probability of a forged delivery per event (default 0).' },
    'time-scale': {
      type: 'string',
      value: 'X',
      description: 'Multiply every platform delay (default 1; 0.01 = 100× faster).',
    },
    seed: { type: 'string', value: 'S', description: 'Seed for a reproducible run (default: random, printed).' },
    start: {
      type: 'string',
      value: 'T',
      description: 'created_at of the first lifecycle (default: now minus the run).',
    },
    'disable-after': {
      type: 'string',
      value: 'SECONDS',
      description: 'Uninterrupted failure that disables the endpoint (default 3600).',
    },
    timeout: { type: 'string', value: 'SECONDS', description: 'Request timeout per attempt, not scaled (default 15).' },
    concurrency: { type: 'string', value: 'N', description: 'Most requests in flight at once (default 10).' },
    verbose: { type: 'boolean', description: 'Print one line per request to stderr.' },
    json: { type: 'boolean', description: 'Print the report as JSON (stdout).' },
  },
  examples: [
    'hookline simulate --to http://localhost:3000/webhooks --time-scale 0.01',
    'hookline simulate --to http://localhost:3000/webhooks --scenario multi-agent,vault --sessions 50 --duplicates 0.1 --reorder 0.2',
    'hookline simulate --to http://localhost:3000/webhooks --forged 0.2 --seed 42 --json',
  ],
  async run(input, io) {
    const to = stringFlag(input, 'to');
    if (to === undefined) throw new UsageError('missing --to URL', 'simulate');
    if (!parseHttpUrl(to)) throw new UsageError(`--to needs an http(s) URL; got "${to}"`, 'simulate');
    const keys = resolveKeys(listFlag(input, 'key'), io.env, 'simulate');
    const probability = (name: string) => numberFlag(input, 'simulate', name, 0, { min: 0, max: 1 });
    const scenarios = parseScenarios(stringFlag(input, 'scenario'));
    const sessions = numberFlag(input, 'simulate', 'sessions', 10, { min: 1, max: 100_000, integer: true });
    const rate = numberFlag(input, 'simulate', 'rate', 1, { min: 0.0001 });
    const timeScale = numberFlag(input, 'simulate', 'time-scale', 1, { min: 0.000001, max: 1000 });
    const seed = stringFlag(input, 'seed') ?? randomBytes(4).toString('hex');
    const rawStart = stringFlag(input, 'start');
    const startSeconds = rawStart === undefined ? undefined : parseTimeFlag(rawStart);
    if (rawStart !== undefined && startSeconds === undefined) {
      throw new UsageError(`--start must be Unix seconds or an ISO 8601 time; got "${rawStart}"`, 'simulate');
    }
    const options = {
      seed,
      scenarios,
      sessions,
      rate,
      duplicates: probability('duplicates'),
      reorder: probability('reorder'),
      forged: probability('forged'),
    };
    const draft = buildPlan({ ...options, epochMs: 0 });
    // created_at must never be later than the attempt that carries it: the platform's clock starts
    // early enough that the last state change happens no later than its (scaled) emission.
    const epochMs =
      startSeconds !== undefined
        ? startSeconds * 1000
        : Date.now() - draft.duration * 1000 * (1 - Math.min(1, timeScale));
    const plan = buildPlan({ ...options, epochMs });
    const json = booleanFlag(input, 'json');
    const verbose = booleanFlag(input, 'verbose');
    const url = new URL(to);
    if (!json && (url.protocol !== 'https:' || !['', '443'].includes(url.port))) {
      println(
        io.stderr,
        'note: the platform only delivers to HTTPS on port 443 at a public address; the emulator skips that rule.',
      );
    }
    const aborter = new AbortController();
    const onSignal = () => aborter.abort();
    process.once('SIGINT', onSignal);
    let results: Awaited<ReturnType<typeof runPlan>>['results'] | undefined;
    const progress = new ProgressBar(io.stderr, io.env, () => {
      const events = results?.events ?? [];
      return {
        settled: events.filter((event) => event.outcome !== 'pending').length,
        total: plan.events.length,
        retrying: events.filter((event) => event.outcome === 'pending' && event.attempts > 0).length,
        dropped: events.filter((event) => event.outcome === 'dropped').length,
      };
    });
    progress.start();
    const run = runPlan(plan, {
      url: to,
      keys,
      timeScale,
      timeoutMs: numberFlag(input, 'simulate', 'timeout', 15, { min: 0.001 }) * 1000,
      concurrency: numberFlag(input, 'simulate', 'concurrency', 10, { min: 1, max: 1000, integer: true }),
      sustainedSeconds: numberFlag(input, 'simulate', 'disable-after', 3600, { min: 0 }),
      signal: aborter.signal,
      onAttempt: verbose
        ? (a) =>
            println(
              io.stderr,
              `${a.kind.padEnd(9)} ${a.id} ${a.type} #${a.attempt} ts=${a.timestamp} → ${a.status ?? a.error} (${Math.round(a.ms)} ms)`,
            )
        : undefined,
      onResults: (r) => {
        results = r;
      },
    });
    const { results: finished, endpoint } = await run.finally(() => {
      progress.stop();
      process.off('SIGINT', onSignal);
    });
    const report = buildReport(plan, finished, endpoint, { target: to, seed, scenarios, timeScale });
    if (json) println(io.stdout, JSON.stringify(report, null, 2));
    else io.stdout.write(formatReport(report, palette(wantsDecoration(io.stdout, io.env))));
    return report.exitCode;
  },
};
