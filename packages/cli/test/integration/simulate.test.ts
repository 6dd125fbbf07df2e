import { generateSecret } from '@hookline/webhooks/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/simulate/plan.js';
import type { SimulationReport } from '../../src/simulate/report.js';
import {
  acceptEverythingReceiver,
  failFirstReceiver,
  failingReceiver,
  type Received,
  type Receiver,
  redirectingReceiver,
  verifiesWithReference,
  verifyingReceiver,
} from './helpers/receivers.js';
import { runCli } from './helpers/run-cli.js';

const key = generateSecret();
const receivers: Receiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

/** `simulate`'s flags by camelCase name: `{ disableAfter: 20, json: true }` is `--disable-after 20 --json`. */
type Flags = Record<string, string | number | true>;

function flagArgs(flags: Flags): string[] {
  return Object.entries(flags).flatMap(([name, value]) => {
    const flag = `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    return value === true ? [flag] : [flag, String(value)];
  });
}

/**
 * Starts a receiver (closed after the test) and runs `hookline simulate` against it with `flags`,
 * at time scale 0.001 (platform seconds in milliseconds) unless `flags` says otherwise.
 */
async function simulateAgainst(receiverReady: Promise<Receiver>, flags: Flags) {
  const receiver = await receiverReady;
  receivers.push(receiver);
  const result = await runCli(['simulate', ...flagArgs({ to: receiver.url, key, timeScale: 0.001, ...flags })]);
  return { ...result, receiver };
}

/** {@link simulateAgainst} with `--json`, and the report parsed. */
async function simulate(receiverReady: Promise<Receiver>, flags: Flags) {
  const result = await simulateAgainst(receiverReady, { json: true, ...flags });
  return { ...result, report: JSON.parse(result.stdout) as SimulationReport };
}

/** A receiver's requests grouped by event id, attempts in arrival order. */
function byId(requests: Receiver['requests']) {
  const groups = new Map<string, Receiver['requests']>();
  for (const request of requests) {
    const id = String(request.headers['webhook-id']);
    groups.set(id, [...(groups.get(id) ?? []), request]);
  }
  return groups;
}

/** Checks that every event was attempted with `statuses`, each attempt with the same body and a valid signature. */
function expectAttempts(receiver: Receiver, report: SimulationReport, statuses: number[]): Received[][] {
  const groups = [...byId(receiver.requests).values()];
  expect(groups).toHaveLength(report.events.planned);
  for (const attempts of groups) {
    expect(attempts.map((attempt) => attempt.status)).toEqual(statuses);
    expect(new Set(attempts.map((attempt) => attempt.body)).size).toBe(1);
    for (const attempt of attempts) expect(verifiesWithReference(key, attempt)).toBe(true);
  }
  expect(report.attempts).toBe(statuses.length * report.events.planned);
  return groups;
}

describe('hookline simulate', () => {
  it('delivers every lifecycle event once, signed, to a receiver that answers 204', async () => {
    const { code, report, receiver } = await simulate(verifyingReceiver(key), { sessions: 16, seed: 'happy' });
    expect(code).toBe(0);
    expect(report.events.planned).toBeGreaterThan(16);
    expect(report.events.acknowledged).toBe(report.events.planned);
    expect(report.events.dropped).toBe(0);
    expectAttempts(receiver, report, [204]);
    for (const request of receiver.requests) {
      const event = JSON.parse(request.body);
      expect(event.id).toBe(request.headers['webhook-id']);
      expect(event.id).toMatch(/^whe_[0-9a-f]{32}$/);
      expect(event.type).toBe('event');
      expect(event.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      // created_at is when the state changed: never after the attempt that carries it.
      expect(Date.parse(event.created_at) / 1000).toBeLessThanOrEqual(Number(request.headers['webhook-timestamp']));
      expect(event.data.id).toMatch(/^(sesn|vlt|vcrd|drun|depl)_011C[1-9A-Za-z]{24}$/);
      expect(event.data.organization_id).toMatch(/^org_011C/);
      expect(event.data.workspace_id).toMatch(/^wrkspc_011C/);
    }
    const types = new Set(receiver.requests.map((request) => JSON.parse(request.body).data.type));
    for (const type of [
      'session.status_run_started',
      'session.thread_created',
      'vault.created',
      'deployment_run.started',
    ]) {
      expect(types).toContain(type);
    }
  });

  it('retries an event whose first attempt failed, with the same id and body', async () => {
    const { code, report, receiver } = await simulate(failFirstReceiver(key), { sessions: 8, seed: 'retry' });
    expect(code).toBe(0);
    expect(report.events.retried).toBe(report.events.planned);
    expect(report.events.acknowledged).toBe(report.events.planned);
    for (const attempts of expectAttempts(receiver, report, [503, 204])) {
      // The shortest platform backoff is 5 s; at time scale 0.001 that is 5 ms (1 ms timer slack).
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(4);
    }
  });

  it('re-stamps webhook-timestamp and re-signs on every attempt', async () => {
    // Two failures force a third attempt at least 30 platform seconds after the first (5 s + 25 s
    // minimum backoff); at time scale 0.04 that is 1.2 s, so the Unix-second timestamps must differ.
    // A seed whose single lifecycle is short keeps the test brief.
    const seed = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].find(
      (candidate) =>
        buildPlan({
          seed: candidate,
          scenarios: ['simple-turn'],
          sessions: 1,
          rate: 1,
          duplicates: 0,
          reorder: 0,
          forged: 0,
          epochMs: 0,
        }).duration < 40,
    );
    expect(seed).toBeDefined();
    const { code, report, receiver } = await simulate(failFirstReceiver(key, 2), {
      sessions: 1,
      scenario: 'simple-turn',
      timeScale: 0.04,
      seed: seed!,
    });
    expect(code).toBe(0);
    for (const attempts of expectAttempts(receiver, report, [503, 503, 204])) {
      const [first, , third] = attempts as [Received, Received, Received];
      expect(Number(third.headers['webhook-timestamp'])).toBeGreaterThan(Number(first.headers['webhook-timestamp']));
      expect(third.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
    }
    expect(report.events.retried).toBe(report.events.planned);
  });

  it('drops an event after exactly three failed attempts and exits 1', async () => {
    const { code, report, stdout, receiver } = await simulate(failingReceiver(), { sessions: 3, seed: 'drop' });
    expect(code).toBe(1);
    expect(report.events.dropped).toBe(report.events.planned);
    expect(report.droppedEvents).toHaveLength(report.events.planned);
    expect(report.endpoint.disabled).toBe(false);
    expectAttempts(receiver, report, [500, 500, 500]);
    expect(stdout).toContain('"dropped"');
  });

  it('disables the endpoint at the first 3xx, stops the run and exits 3 with the platform reason', async () => {
    const { receiver, ...result } = await simulateAgainst(redirectingReceiver(), {
      sessions: 5,
      concurrency: 1,
      seed: 'redirect',
    });
    expect(result.code).toBe(3);
    // Redirects are never followed and nothing is sent after the first one.
    expect(receiver.requests).toHaveLength(1);
    expect(result.stdout).toContain('disabled: auto-disabled: endpoint URL returned a redirect (3xx)');
    expect(result.stdout).toMatch(/undelivered\s+\d+/);
  });

  it('disables the endpoint after sustained failures (--disable-after)', async () => {
    const { code, report } = await simulate(failingReceiver(), { sessions: 10, disableAfter: 20, seed: 'sustained' });
    expect(code).toBe(3);
    expect(report.endpoint.disabledReason).toBe('auto-disabled after sustained delivery failures');
  });

  it('reports forgeries a non-verifying receiver accepted, and exits 1', async () => {
    const { code, report, receiver } = await simulate(acceptEverythingReceiver(), {
      sessions: 8,
      forged: 0.6,
      seed: 'forge',
    });
    expect(code).toBe(1);
    expect(report.forged.sent).toBeGreaterThan(0);
    expect(report.forged.accepted).toBe(report.forged.sent);
    expect(report.acceptedForgeries).toHaveLength(report.forged.sent);
    // Every forgery really is invalid: the reference library rejects each one.
    const forged = new Set(report.acceptedForgeries.map((forgery) => forgery.id));
    const forgedRequests = receiver.requests.filter((request) => forged.has(String(request.headers['webhook-id'])));
    expect(forgedRequests).toHaveLength(report.forged.sent);
    for (const request of forgedRequests) expect(verifiesWithReference(key, request)).toBe(false);
  });

  it('passes a verifying receiver through forgeries, duplicates and reordering', async () => {
    const { code, report, receiver } = await simulate(verifyingReceiver(key), {
      sessions: 10,
      forged: 0.5,
      duplicates: 1,
      reorder: 0.5,
      seed: 'chaos',
    });
    expect(code).toBe(0);
    expect(report.forged.sent).toBeGreaterThan(0);
    expect(report.forged.accepted).toBe(0);
    expect(report.duplicates.sent).toBe(report.events.planned);
    expect(report.reordered).toBeGreaterThan(0);
    // Each real event arrived at least twice (the injected duplicate), with one id and one body.
    const real = [...byId(receiver.requests)].filter(([, attempts]) => attempts[0]!.status === 204);
    expect(real).toHaveLength(report.events.planned);
    for (const [, attempts] of real) {
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(new Set(attempts.map((attempt) => attempt.body)).size).toBe(1);
    }
    // Reordering is visible to the receiver: some event arrived after one created later in its lifecycle.
    const arrivals = real.map(([, attempts]) => ({ event: JSON.parse(attempts[0]!.body), at: attempts[0]!.at }));
    const inversions = arrivals.filter(({ event, at }) =>
      arrivals.some(
        (other) => other.event.data.id === event.data.id && other.event.created_at > event.created_at && other.at < at,
      ),
    );
    expect(inversions.length).toBeGreaterThan(0);
  });

  it('is reproducible with --seed (and --start fixes created_at)', async () => {
    const bodiesFor = async (seed: string) => {
      const flags = { sessions: 6, start: '2026-03-15T10:00:00Z', duplicates: 0.3, forged: 0.3, seed };
      const { receiver } = await simulate(verifyingReceiver(key), flags);
      return receiver.requests.map((request) => request.body).sort();
    };
    const first = await bodiesFor('same');
    expect(await bodiesFor('same')).toEqual(first);
    expect(await bodiesFor('other')).not.toEqual(first);
    expect(first.some((body) => body.includes('"created_at":"2026-03-15T10:00:00Z"'))).toBe(true);
  });

  it('rejects bad flags with exit 2 and a pointer to --help', async () => {
    const refused = (flags: Flags) => runCli(['simulate', ...flagArgs({ to: 'http://127.0.0.1:9/', key, ...flags })]);
    const result = await refused({ scenario: 'multi-agnet' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did you mean multi-agent');
    const probability = await refused({ forged: 2 });
    expect(probability.code).toBe(2);
    expect(probability.stderr).toContain('--forged must be a number ≥ 0 ≤ 1');
  });
});
